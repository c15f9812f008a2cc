/** Fields that only make sense for some link kinds, binding modes or interface types. */
import type { Collector } from '../collector.ts';
import { ifname } from '../text.ts';
import type { View } from '../view.ts';

const LINK_FIELDS_BY_KIND: readonly (readonly [string, readonly string[]])[] = [
  ['peer', ['veth']],
  ['peerScope', ['veth']],
  ['parent', ['macvtap', 'macvlan']],
  ['mode', ['macvtap', 'macvlan']],
];

const BINDING_FIELDS_BY_MODE: readonly (readonly [string, readonly string[]])[] = [
  ['bridge', ['libvirt-network', 'bridge']],
  ['network', ['libvirt-network']],
  ['bridgeAddress', ['libvirt-network']],
  // macvtap hands the pod NIC's MAC to the VM with no DHCP server: nothing would carry these.
  ['gateway', ['libvirt-network', 'bridge']],
  ['dns', ['libvirt-network', 'bridge']],
  ['macvtapMode', ['macvtap']],
];

/** Checks kind-, mode- and type-specific fields. */
export function checkKinds(view: View, issues: Collector): void {
  for (const { value: link, path } of view.lists.links) {
    for (const [field, kinds] of LINK_FIELDS_BY_KIND) {
      if ((link as unknown as Record<string, unknown>)[field] !== undefined && !kinds.includes(link.kind)) {
        issues.add('invalid_field', [...path, field], `"${field}" applies only to ${kinds.join('/')} links, not ${link.kind}`);
      }
    }
    if (link.kind === 'veth' && link.peer === undefined) {
      issues.add('missing_field', [...path, 'peer'], 'a veth link needs "peer", the name of its other end');
    }
    if ((link.kind === 'macvtap' || link.kind === 'macvlan') && link.parent === undefined) {
      issues.add('missing_field', [...path, 'parent'], `a ${link.kind} link needs "parent", its lower device`);
    }
  }
  for (const { value: b, path } of view.lists.bindings) {
    for (const [field, modes] of BINDING_FIELDS_BY_MODE) {
      if ((b as unknown as Record<string, unknown>)[field] !== undefined && !modes.includes(b.mode)) {
        issues.add('invalid_field', [...path, field], `"${field}" does not apply to a ${b.mode} binding (only ${modes.join(', ')})`);
      }
    }
  }
  for (const { value: vi, path } of view.lists.vmInterfaces) {
    if (vi.sourceMode !== undefined && vi.type !== 'direct') {
      issues.add('invalid_field', [...path, 'sourceMode'], `"sourceMode" applies only to direct (macvtap) interfaces, not ${vi.type}`);
    }
    const sourcePath = [...path, 'source'];
    if (vi.type !== 'network' && !issues.isTainted(sourcePath)) {
      const f = ifname(vi.source);
      if (f) issues.add(f.code, sourcePath, f.message);
    }
  }
  for (const { value: h, path } of view.lists.dhcpHosts) {
    if (h.network !== undefined && h.server !== undefined) {
      issues.add('invalid_field', [...path, 'server'], 'a reservation is served by a libvirt network or a dnsmasq server, not both');
    } else if (h.network === undefined && h.server === undefined) {
      issues.add('missing_field', [...path, 'network'], 'say what serves the reservation: "network" (libvirt) or "server" (dnsmasq)');
    }
  }
  for (const { value: n, path } of view.lists.networks) {
    n.ips?.forEach((block, j) => {
      if (block.dhcp === false && (block.dhcpRanges?.length ?? 0) > 0) {
        issues.add('invalid_field', [...path, 'ips', j, 'dhcpRanges'], 'DHCP ranges need DHCP; remove them or drop "dhcp: false"');
      }
    });
  }
}
