/** The seed scenario's libvirt network, reservation, VM interface and the lease it must hand out, shared by the DHCP tests. */
import type { DhcpHost, Network, Scope, VmInterface } from '@wirestate/core';
import type { DhcpLease } from '../helpers/dhcp-client.ts';

/** The pod NIC's MAC, which the VM takes over. */
export const POD_MAC = '0a:58:0a:f4:00:05';

/** The pod's routes, handed out as option 121: the service CIDR and the default route, both via the pod gateway. */
const POD_ROUTES = [
  { dst: '10.96.0.0/12', gateway: '10.244.0.1' },
  { dst: '0.0.0.0/0', gateway: '10.244.0.1' },
] as const;

/** The seed network in scope `pod`: isolated, bridge `br-eth42`, DHCP reservations only. */
export function seedNetwork(scope = 'pod'): Network {
  return {
    scope,
    name: 'pod-eth42',
    bridge: 'br-eth42',
    mtu: 1450,
    ips: [{ cidr: '10.244.0.254/24', dhcp: true }],
    dhcpOptions: {
      router: '10.244.0.1',
      routes: POD_ROUTES,
      mtu: 1450,
      dnsServers: ['10.96.0.10'],
      searchDomains: ['default.svc.cluster.local', 'svc.cluster.local'],
      leaseTime: 'infinite',
    },
  };
}

/** The reservation pod MAC → pod IP. */
export function seedHost(scope = 'pod', ip = '10.244.0.5'): DhcpHost {
  return { scope, network: 'pod-eth42', mac: POD_MAC, ip };
}

/**
 * The lease a client with the pod MAC must get from the seed network's options, as udhcpc
 * reports it: the pod IP in its /24, router, routes, MTU, DNS, search list and an infinite
 * lease, from the server address `serverId` (the bridge's own address).
 */
export function seedLease(serverId: string): DhcpLease {
  const options = { router: '10.244.0.1', routes: POD_ROUTES, mtu: 1450, dns: ['10.96.0.10'], search: ['default.svc.cluster.local', 'svc.cluster.local'] };
  return { ip: '10.244.0.5', prefix: 24, ...options, lease: 4294967295, serverId };
}

/** The VM's interface on the seed network. */
export function seedIface(scope = 'pod', domain = 'vm1'): VmInterface {
  return { scope, domain, mac: POD_MAC, type: 'network', source: 'pod-eth42', model: 'virtio' };
}

/** A scope for a private libvirtd. */
export function scopeFor(netns: string, uri: string, name = 'pod'): Scope {
  return { name, netns, libvirt: uri };
}

/** A minimal qemu domain that need not run, with the given interfaces XML. */
export function domainXml(name: string, interfaces: string): string {
  return `<domain type='qemu'>
  <name>${name}</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
${interfaces}
  </devices>
</domain>
`;
}
