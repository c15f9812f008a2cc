/**
 * libvirt network XML ↔ `Network` + `DhcpHost`s. Pure: tested on recorded
 * `virsh net-dumpxml` output. What wirestate defines parses back to the same model.
 */
import { WIRESTATE_XMLNS } from '@wirestate/core';
import type { DhcpHost, DhcpOptions, DhcpRange, Network, NetworkIp } from '@wirestate/core';
import ipaddr from 'ipaddr.js';
import { dhcpOptionLines, leaseText, parseDhcpOptionLines } from '../dnsmasq/options.ts';
import { Checker } from '../dnsmasq/validate.ts';
import { attr, buildXml, child, children, parseXml, text } from './xml.ts';
import type { XmlNode } from './xml.ts';

/** Namespace of libvirt's pass-through dnsmasq options. */
export const DNSMASQ_XMLNS = 'http://libvirt.org/schemas/network/dnsmasq/1.0';

/** Tag of wirestate's mark inside `<metadata>`; it also carries what XML has no element for. */
const MARK_TAG = 'wirestate:network';

/**
 * A network, plus the subnet its dnsmasq serves through `shared-network` when the bridge
 * holds only a link-local address (no address of the pod subnet is taken). Not yet a
 * field of the core model; the driver reads and writes it when present.
 */
export type LibvirtNetwork = Network & {
  /** Subnet served through dnsmasq `shared-network`, `10.244.0.0/24`; absent: the subnet of each `ips` block. */
  readonly sharedSubnet?: string;
};

/** Facts about a network that its XML does not hold, from `virsh net-list`. */
export interface NetworkListFacts {
  readonly active: boolean;
  readonly autostart: boolean;
}

/** A network read from XML, with the DHCP reservations it carries. */
export interface ParsedNetwork {
  readonly network: LibvirtNetwork;
  readonly hosts: readonly DhcpHost[];
}

/** Checks every string of a network that would reach XML; throws `invalid_argument` with the paths. */
export function validateNetwork(n: LibvirtNetwork, context: string, path: readonly (string | number)[] = ['network']): void {
  const c = new Checker();
  c.name(n.name, [...path, 'name']);
  c.safe(n.scope, [...path, 'scope']);
  c.ifname(n.bridge, [...path, 'bridge']);
  if (n.forward !== undefined && !['nat', 'route', 'bridge', 'open'].includes(n.forward)) {
    c.fail('invalid_forward', [...path, 'forward'], `${JSON.stringify(n.forward)} is not a forward mode`);
  }
  if (n.mac !== undefined) c.mac(n.mac, [...path, 'mac']);
  if (n.mtu !== undefined) c.int(n.mtu, [...path, 'mtu'], 68, 65535);
  n.ips?.forEach((ip, i) => {
    c.cidr4(ip.cidr, [...path, 'ips', i, 'cidr']);
    ip.dhcpRanges?.forEach((r, j) => {
      c.ipv4(r.start, [...path, 'ips', i, 'dhcpRanges', j, 'start']);
      c.ipv4(r.end, [...path, 'ips', i, 'dhcpRanges', j, 'end']);
    });
  });
  c.dhcpOptions(n.dhcpOptions, [...path, 'dhcpOptions']);
  if (n.sharedSubnet !== undefined) c.cidr4(n.sharedSubnet, [...path, 'sharedSubnet']);
  c.throwIfAny(context);
}

/** A `<lease>` element for a lease time: libvirt writes `expiry='0'` as dnsmasq's `infinite`. */
export function leaseElement(leaseTime: DhcpOptions['leaseTime']): Record<string, unknown> | undefined {
  if (leaseTime === undefined) return undefined;
  return { $: leaseTime === 'infinite' ? { expiry: '0' } : { expiry: String(leaseTime), unit: 'seconds' } };
}

/**
 * The XML `virsh net-define` takes for a network: STP off (a guest's first DHCP discover
 * must not be dropped while a new port listens and learns), DNS off (the
 * guest uses the pod's resolvers, handed out as option 6), our `<metadata>` mark, and the
 * DHCP options as `<dnsmasq:options>` since the network schema has no element for them.
 */
export function networkXml(n: LibvirtNetwork): string {
  const leaseTime = n.dhcpOptions?.leaseTime;
  const lease = leaseElement(leaseTime);
  const root: Record<string, unknown> = {
    $: { 'xmlns:dnsmasq': DNSMASQ_XMLNS },
    name: [n.name],
    metadata: [{ [MARK_TAG]: [{ $: { 'xmlns:wirestate': WIRESTATE_XMLNS, ...(leaseTime !== undefined ? { lease: String(leaseTime) } : {}) } }] }],
  };
  if (n.forward !== undefined) root.forward = [{ $: { mode: n.forward } }];
  // STP off: with STP on the kernel raises the forward delay to at least 2 s, so a port
  // joining the bridge (the VM's tap, the pod NIC) drops the guest's first DHCP discovers
  // for ~4 s; a pod bridge has one uplink and cannot loop. With `forward mode='bridge'`
  // the bridge is someone else's and libvirt forbids stp/delay.
  root.bridge = [{ $: n.forward === 'bridge' ? { name: n.bridge } : { name: n.bridge, stp: 'off', delay: '0' } }];
  if (n.mtu !== undefined) root.mtu = [{ $: { size: String(n.mtu) } }];
  if (n.mac !== undefined) root.mac = [{ $: { address: n.mac.toLowerCase() } }];
  root.dns = [{ $: { enable: 'no' } }];
  root.ip = (n.ips ?? []).map((ip) => {
    const [address, prefix] = ip.cidr.split('/');
    const el: Record<string, unknown> = { $: { address, prefix } };
    if (ip.dhcp === true || (ip.dhcpRanges?.length ?? 0) > 0) {
      const ranges = (ip.dhcpRanges ?? []).map((r) => ({ $: { start: r.start, end: r.end }, ...(lease ? { lease: [lease] } : {}) }));
      el.dhcp = [ranges.length > 0 ? { range: ranges } : ''];
    }
    return el;
  });
  const lines = [...sharedSubnetLines(n), ...dhcpOptionLines(n.dhcpOptions)];
  if (lines.length > 0) root['dnsmasq:options'] = [{ 'dnsmasq:option': lines.map((value) => ({ $: { value } })) }];
  return buildXml('network', root);
}

/**
 * dnsmasq lines that serve `sharedSubnet` on the bridge although the bridge's own address
 * (link-local) lies outside it; the range carries the lease time, as hosts inherit it.
 *
 * Equivalent to `dnsmasq --shared-network=BR,NET --dhcp-range=NET,static,MASK,LEASE`.
 */
function sharedSubnetLines(n: LibvirtNetwork): string[] {
  if (n.sharedSubnet === undefined) return [];
  const [net, len] = n.sharedSubnet.split('/');
  const mask = ipaddr.IPv4.subnetMaskFromPrefixLength(Number(len)).toString();
  const lease = leaseText(n.dhcpOptions?.leaseTime);
  return [`shared-network=${n.bridge},${net}`, `dhcp-range=${net},static,${mask}${lease !== undefined ? `,${lease}` : ''}`];
}

/** Reads `sharedSubnet` back from the lines `sharedSubnetLines` wrote. */
function parseSharedSubnet(lines: readonly string[]): string | undefined {
  if (!lines.some((l) => l.startsWith('shared-network='))) return undefined;
  for (const l of lines) {
    const m = /^dhcp-range=([\d.]+),static,([\d.]+)/.exec(l);
    if (m?.[1] !== undefined && m[2] !== undefined && ipaddr.IPv4.isValidFourPartDecimal(m[2])) {
      return `${m[1]}/${ipaddr.IPv4.parse(m[2]).prefixLengthFromSubnetMask() ?? 32}`;
    }
  }
  return undefined;
}

/** The `<host>` element `virsh net-update … ip-dhcp-host` takes, with the network's lease time. */
export function hostXml(h: DhcpHost, leaseTime?: DhcpOptions['leaseTime']): string {
  const lease = leaseElement(leaseTime);
  const el: Record<string, unknown> = { $: { mac: h.mac.toLowerCase(), ip: h.ip, ...(h.hostname !== undefined ? { name: h.hostname } : {}) } };
  if (lease) el.lease = [lease];
  // One line: virsh takes it as a single quoted token.
  return buildXml('host', el).replace(/\n\s*/g, '');
}

/** Checks a DHCP reservation's strings; throws `invalid_argument` with the paths. */
export function validateHost(h: DhcpHost, context: string, path: readonly (string | number)[] = ['host']): void {
  const c = new Checker();
  c.safe(h.scope, [...path, 'scope']);
  if (h.network !== undefined) c.name(h.network, [...path, 'network']);
  if (h.server !== undefined) c.name(h.server, [...path, 'server']);
  c.mac(h.mac, [...path, 'mac']);
  c.ipv4(h.ip, [...path, 'ip']);
  if (h.hostname !== undefined) c.dnsName(h.hostname, [...path, 'hostname']);
  c.throwIfAny(context);
}

/** Whether a network's XML carries wirestate's `<metadata>` mark (under any prefix). */
export function isOwnedXml(root: XmlNode): boolean {
  return markOf(root) !== undefined;
}

function markOf(root: XmlNode): XmlNode | undefined {
  for (const meta of children(root, 'metadata')) {
    for (const [tag, value] of Object.entries(meta)) {
      if (tag === '$' || !Array.isArray(value)) continue;
      for (const el of value as unknown[]) {
        const attrs = (el as XmlNode | undefined)?.$ ?? {};
        if (Object.entries(attrs).some(([k, v]) => (k === 'xmlns' || k.startsWith('xmlns:')) && v === WIRESTATE_XMLNS)) return el as XmlNode;
      }
    }
  }
  return undefined;
}

function prefixOf(ip: XmlNode): string | undefined {
  const prefix = attr(ip, 'prefix');
  if (prefix !== undefined) return prefix;
  const mask = attr(ip, 'netmask');
  if (mask === undefined) return attr(ip, 'family') === 'ipv6' ? '64' : '24';
  return String(mask.split('.').reduce((n, octet) => n + (Number(octet) >>> 0).toString(2).replace(/0/g, '').length, 0));
}

/**
 * Reads `virsh net-dumpxml` output. Hosts of every network are returned (`owned` follows
 * the network); IPv6 hosts, which have no MAC, are not modelled.
 */
export function parseNetworkXml(xml: string, scope: string, facts: NetworkListFacts): ParsedNetwork {
  const { tag, root } = parseXml(xml);
  if (tag !== 'network') throw new Error(`expected <network>, got <${tag}>`);
  const name = text(root, 'name') ?? '';
  const owned = isOwnedXml(root);
  const forwardEl = child(root, 'forward');
  const forward = forwardEl === undefined ? undefined : ((attr(forwardEl, 'mode') ?? 'nat') as Network['forward']);
  const mac = attr(child(root, 'mac'), 'address')?.toLowerCase();
  const mtu = attr(child(root, 'mtu'), 'size');
  const hosts: DhcpHost[] = [];
  const ips: NetworkIp[] = children(root, 'ip').map((ip) => {
    const dhcp = child(ip, 'dhcp');
    const ranges: DhcpRange[] = children(dhcp, 'range').map((r) => ({ start: attr(r, 'start') ?? '', end: attr(r, 'end') ?? '' }));
    for (const h of children(dhcp, 'host')) {
      const hmac = attr(h, 'mac')?.toLowerCase();
      const hip = attr(h, 'ip');
      if (hmac === undefined || hip === undefined) continue;
      const hostname = attr(h, 'name');
      hosts.push({ scope, network: name, mac: hmac, ip: hip, ...(hostname !== undefined ? { hostname } : {}), owned });
    }
    return {
      cidr: `${attr(ip, 'address') ?? ''}/${prefixOf(ip) ?? ''}`,
      ...(dhcp !== undefined ? { dhcp: true } : {}),
      ...(ranges.length > 0 ? { dhcpRanges: ranges } : {}),
    };
  });
  const optionLines = children(child(root, 'dnsmasq:options'), 'dnsmasq:option')
    .map((o) => attr(o, 'value'))
    .filter((v): v is string => v !== undefined);
  const options: { -readonly [K in keyof DhcpOptions]: DhcpOptions[K] } = { ...parseDhcpOptionLines(optionLines).options };
  const lease = attr(markOf(root), 'lease');
  if (lease !== undefined) options.leaseTime = lease === 'infinite' ? 'infinite' : Number(lease);
  const sharedSubnet = parseSharedSubnet(optionLines);
  const network: LibvirtNetwork = {
    scope,
    name,
    bridge: attr(child(root, 'bridge'), 'name') ?? '',
    ...(forward !== undefined ? { forward } : {}),
    ...(mac !== undefined ? { mac } : {}),
    ...(mtu !== undefined ? { mtu: Number(mtu) } : {}),
    ...(ips.length > 0 ? { ips } : {}),
    ...(Object.keys(options).length > 0 ? { dhcpOptions: options } : {}),
    ...(sharedSubnet !== undefined ? { sharedSubnet } : {}),
    active: facts.active,
    autostart: facts.autostart,
    owned,
  };
  return { network, hosts };
}

/** The lease time a network hands out, read from wirestate's mark in its XML. */
export function leaseTimeOfXml(xml: string): DhcpOptions['leaseTime'] {
  const lease = attr(markOf(parseXml(xml).root), 'lease');
  if (lease === undefined) return undefined;
  return lease === 'infinite' ? 'infinite' : Number(lease);
}
