/**
 * Binding modes: each turns one binding plus its facts into low-level resources, for
 * the bound state and for the restored state. Adding a mode adds an entry here.
 */
import type { Issue } from '../errors.ts';
import type { Address, DhcpHost, DhcpServer, Link, Network, Route, VmInterface } from '../model/state.ts';
import type { Binding, BindingMode } from '../topology/types.ts';
import { subnetOf } from '../kinds/shared.ts';
import { dhcpOptionsFor } from './dhcp-options.ts';
import type { PodNicFacts } from './facts.ts';
import { defaultBridge, defaultNetwork, derivedMac, linkLocalAddress } from './names.ts';

/** Resources a binding expands into, before keying. */
export interface Expansion {
  readonly links: Link[];
  readonly addresses: Address[];
  readonly routes: Route[];
  readonly networks: Network[];
  readonly dhcpServers: DhcpServer[];
  readonly dhcpHosts: DhcpHost[];
  readonly vmInterfaces: VmInterface[];
}

/** An empty expansion. */
export function emptyExpansion(): Expansion {
  return { links: [], addresses: [], routes: [], networks: [], dhcpServers: [], dhcpHosts: [], vmInterfaces: [] };
}

/** What a mode needs to expand. */
export interface ModeInput {
  readonly binding: Binding;
  readonly facts: PodNicFacts;
  /** Path of the binding in the topology, for issues. */
  readonly path: readonly (string | number)[];
}

/** A binding mode. */
export interface BindingModeSpec {
  /** Resources while the binding is present. */
  bound(input: ModeInput, out: Expansion, issues: Issue[]): void;
  /** Resources to remove (marked absent) when it goes; the pod NIC itself is restored by the caller. */
  unbound(input: ModeInput, out: Expansion): void;
}

/** The first IPv4 address of the pod NIC: the one the VM leases. */
export function podIpv4(f: PodNicFacts): { ip: string; cidr: string; prefix: number } | undefined {
  const cidr = f.addresses.find((a) => !a.includes(':'));
  if (cidr === undefined) return undefined;
  const [ip, prefix] = cidr.split('/') as [string, string];
  return { ip, cidr, prefix: Number(prefix) };
}

/** The pod NIC once the VM owns its identity: new MAC, no addresses, no routes. */
function takeOver(input: ModeInput, out: Expansion, master: string | null): void {
  const { binding: b, facts: f } = input;
  const scope = f.scope;
  out.links.push({ scope, name: b.podNic, kind: 'device', mac: derivedMac(scope, b.podNic, f.mac), master, up: true });
  for (const cidr of f.addresses) out.addresses.push({ scope, dev: b.podNic, cidr, state: 'absent' });
  for (const r of f.routes) out.routes.push({ ...r, state: 'absent' });
}

function requireIpv4(input: ModeInput, issues: Issue[]): { ip: string; cidr: string; prefix: number } | undefined {
  const pod = podIpv4(input.facts);
  if (pod === undefined) {
    issues.push({ code: 'pod_nic_unaddressed', path: [...input.path, 'podNic'], message: `pod NIC ${input.binding.podNic} has no IPv4 address to hand to the VM` });
  }
  return pod;
}

const libvirtNetwork: BindingModeSpec = {
  bound(input, out, issues) {
    const { binding: b, facts: f } = input;
    const pod = requireIpv4(input, issues);
    if (pod === undefined) return;
    const bridge = b.bridge ?? defaultBridge(b.podNic);
    const name = b.network ?? defaultNetwork(b.podNic);
    if (b.bridgeAddress !== undefined && subnetOf(b.bridgeAddress) !== subnetOf(pod.cidr)) {
      issues.push({ code: 'outside_subnet', path: [...input.path, 'bridgeAddress'], message: `bridge address ${b.bridgeAddress} is outside the pod subnet ${subnetOf(pod.cidr)}` });
      return;
    }
    if (b.bridgeAddress !== undefined && [pod.ip, f.gateway].includes(b.bridgeAddress.split('/')[0])) {
      issues.push({ code: 'duplicate', path: [...input.path, 'bridgeAddress'], message: `bridge address ${b.bridgeAddress} is the pod IP or its gateway` });
      return;
    }
    takeOver(input, out, bridge);
    // Without a given bridge address, libvirt's dnsmasq serves the pod subnet through
    // shared-network from a link-local /32: no address of the pod subnet is taken.
    // `open` forwarding: libvirt adds no firewall rules to the pod's netns.
    out.networks.push({
      scope: f.scope,
      name,
      bridge,
      forward: 'open',
      ...(f.mtu !== undefined ? { mtu: f.mtu } : {}),
      ips: [{ cidr: b.bridgeAddress ?? linkLocalAddress(f.scope, bridge), dhcp: true }],
      ...(b.bridgeAddress === undefined ? { sharedSubnet: subnetOf(pod.cidr) } : {}),
      dhcpOptions: dhcpOptionsFor(f),
      active: true,
      autostart: true,
    });
    out.dhcpHosts.push({ scope: f.scope, network: name, mac: f.mac, ip: pod.ip });
    out.vmInterfaces.push({ scope: f.scope, domain: b.vm, mac: f.mac, type: 'network', source: name, model: b.model ?? 'virtio' });
  },
  unbound(input, out) {
    const { binding: b, facts: f } = input;
    const name = b.network ?? defaultNetwork(b.podNic);
    const bridge = b.bridge ?? defaultBridge(b.podNic);
    out.vmInterfaces.push({ scope: f.scope, domain: b.vm, mac: f.mac, type: 'network', source: name, state: 'absent' });
    const pod = podIpv4(f);
    if (pod !== undefined) out.dhcpHosts.push({ scope: f.scope, network: name, mac: f.mac, ip: pod.ip, state: 'absent' });
    out.networks.push({ scope: f.scope, name, bridge, state: 'absent' });
  },
};

const bridgeMode: BindingModeSpec = {
  bound(input, out, issues) {
    const { binding: b, facts: f } = input;
    const pod = requireIpv4(input, issues);
    if (pod === undefined) return;
    const bridge = b.bridge ?? defaultBridge(b.podNic);
    out.links.push({ scope: f.scope, name: bridge, kind: 'bridge', up: true, ...(f.mtu !== undefined ? { mtu: f.mtu } : {}) });
    out.addresses.push({ scope: f.scope, dev: bridge, cidr: linkLocalAddress(f.scope, bridge) });
    takeOver(input, out, bridge);
    out.dhcpServers.push({ scope: f.scope, name: bridge, interface: bridge, subnet: subnetOf(pod.cidr), options: dhcpOptionsFor(f) });
    out.dhcpHosts.push({ scope: f.scope, server: bridge, mac: f.mac, ip: pod.ip });
    out.vmInterfaces.push({ scope: f.scope, domain: b.vm, mac: f.mac, type: 'bridge', source: bridge, model: b.model ?? 'virtio' });
  },
  unbound(input, out) {
    const { binding: b, facts: f } = input;
    const bridge = b.bridge ?? defaultBridge(b.podNic);
    out.vmInterfaces.push({ scope: f.scope, domain: b.vm, mac: f.mac, type: 'bridge', source: bridge, state: 'absent' });
    const pod = podIpv4(f);
    if (pod !== undefined) out.dhcpHosts.push({ scope: f.scope, server: bridge, mac: f.mac, ip: pod.ip, state: 'absent' });
    out.dhcpServers.push({ scope: f.scope, name: bridge, interface: bridge, subnet: pod ? subnetOf(pod.cidr) : '0.0.0.0/0', state: 'absent' });
    out.links.push({ scope: f.scope, name: bridge, kind: 'bridge', state: 'absent' });
  },
};

const macvtapMode: BindingModeSpec = {
  bound(input, out) {
    const { binding: b, facts: f } = input;
    takeOver(input, out, null);
    out.vmInterfaces.push({ scope: f.scope, domain: b.vm, mac: f.mac, type: 'direct', source: b.podNic, sourceMode: b.macvtapMode ?? 'bridge', model: b.model ?? 'virtio' });
  },
  unbound(input, out) {
    const { binding: b, facts: f } = input;
    out.vmInterfaces.push({ scope: f.scope, domain: b.vm, mac: f.mac, type: 'direct', source: b.podNic, state: 'absent' });
  },
};

/** The binding modes by name. */
export const MODES: Readonly<Record<BindingMode, BindingModeSpec>> = {
  'libvirt-network': libvirtNetwork,
  bridge: bridgeMode,
  macvtap: macvtapMode,
};

/** The pod NIC as it was before the binding: original MAC, no master, addresses and routes back. */
export function restorePodNic(f: PodNicFacts, out: Expansion): void {
  out.links.push({ scope: f.scope, name: f.podNic, kind: 'device', mac: f.mac, master: null, up: true });
  for (const cidr of f.addresses) out.addresses.push({ scope: f.scope, dev: f.podNic, cidr });
  for (const r of f.routes) out.routes.push({ ...r });
}
