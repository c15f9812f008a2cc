/** Networks and a domain made with plain virsh (not by wirestate), and the state they must snapshot to. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DhcpHost, Domain, Network, VmInterface } from '@wirestate/core';
import type { Libvirtd } from '../helpers/libvirtd.ts';
import { domainXml, POD_MAC, seedHost, seedNetwork } from './seed.ts';

/** libvirt's usual `default` NAT network, with a range and a reservation. */
export const PLAIN_NAT_XML = `<network>
  <name>default</name>
  <forward mode='nat'/>
  <bridge name='virbr0' stp='on' delay='0'/>
  <mac address='52:54:00:0a:0b:0c'/>
  <ip address='192.168.122.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.122.2' end='192.168.122.254'/>
      <host mac='52:54:00:AA:BB:CC' name='web' ip='192.168.122.10'/>
    </dhcp>
  </ip>
</network>
`;

/** An isolated network without DHCP, defined and never started. */
export const PLAIN_ISOLATED_XML = `<network>
  <name>lab</name>
  <bridge name='virbr-lab' stp='off' delay='0'/>
  <mac address='52:54:00:0d:0e:0f'/>
  <mtu size='9000'/>
  <ip address='10.10.0.1' prefix='16'/>
</network>
`;

/** Interfaces of vm1: one per modelled type, plus a `user` one that is not modelled. */
export const VM_INTERFACES_XML = `    <interface type='network'>
      <mac address='${POD_MAC}'/>
      <source network='pod-eth42'/>
      <model type='virtio'/>
      <mtu size='1450'/>
    </interface>
    <interface type='bridge'>
      <mac address='52:54:00:00:00:02'/>
      <source bridge='br0'/>
      <model type='e1000'/>
    </interface>
    <interface type='direct'>
      <mac address='52:54:00:00:00:03'/>
      <source dev='eth0' mode='bridge'/>
      <model type='virtio'/>
    </interface>
    <interface type='user'>
      <mac address='52:54:00:00:00:04'/>
    </interface>`;

/** vm1's interfaces without the one on the seed network: the user's own, which wirestate must leave alone. */
export const USER_INTERFACES_XML = VM_INTERFACES_XML.slice(VM_INTERFACES_XML.indexOf("    <interface type='bridge'>"));

/** Defines on `lv` with plain virsh what a user already has there: the `default` NAT network and vm1 with its own interfaces. */
export function defineUserObjects(lv: Libvirtd): void {
  writeFileSync(join(lv.dir, 'nat.xml'), PLAIN_NAT_XML);
  writeFileSync(join(lv.dir, 'vm1.xml'), domainXml('vm1', USER_INTERFACES_XML));
  lv.virsh('net-define', join(lv.dir, 'nat.xml'));
  lv.virsh('define', join(lv.dir, 'vm1.xml'));
}

const networks: Record<string, Network> = {
  'pod/default': {
    scope: 'pod',
    name: 'default',
    bridge: 'virbr0',
    forward: 'nat',
    mac: '52:54:00:0a:0b:0c',
    ips: [{ cidr: '192.168.122.1/24', dhcp: true, dhcpRanges: [{ start: '192.168.122.2', end: '192.168.122.254' }] }],
    active: true,
    autostart: true,
    owned: false,
  },
  'pod/lab': {
    scope: 'pod',
    name: 'lab',
    bridge: 'virbr-lab',
    mac: '52:54:00:0d:0e:0f',
    mtu: 9000,
    ips: [{ cidr: '10.10.0.1/16' }],
    active: false,
    autostart: false,
    owned: false,
  },
  'pod/pod-eth42': { ...seedNetwork(), mac: '52:54:00:42:42:42', active: false, autostart: false, owned: true },
};

const dhcpHosts: Record<string, DhcpHost> = {
  'pod/default/52:54:00:aa:bb:cc': { scope: 'pod', network: 'default', mac: '52:54:00:aa:bb:cc', ip: '192.168.122.10', hostname: 'web', owned: false },
  [`pod/pod-eth42/${POD_MAC}`]: { ...seedHost(), owned: true },
};

const domains: Record<string, Domain> = { 'pod/vm1': { scope: 'pod', name: 'vm1', running: false, owned: false } };

const vmInterfaces: Record<string, VmInterface> = {
  [`pod/vm1/${POD_MAC}`]: { scope: 'pod', domain: 'vm1', mac: POD_MAC, type: 'network', source: 'pod-eth42', model: 'virtio', mtu: 1450, owned: false },
  'pod/vm1/52:54:00:00:00:02': { scope: 'pod', domain: 'vm1', mac: '52:54:00:00:00:02', type: 'bridge', source: 'br0', model: 'e1000', owned: false },
  'pod/vm1/52:54:00:00:00:03': { scope: 'pod', domain: 'vm1', mac: '52:54:00:00:00:03', type: 'direct', source: 'eth0', sourceMode: 'bridge', model: 'virtio', owned: false },
};

/** The state the plain objects above plus the driver-made seed network snapshot to. */
export const EXPECTED_STATE = { networks, dhcpHosts, domains, vmInterfaces };
