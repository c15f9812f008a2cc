/**
 * Addresses must sit where they can work: reservations inside what serves them, DHCP ranges
 * inside their block, route gateways reachable from their device, bridge addresses that are
 * host addresses, families that agree.
 */
import { broadcastOf, cidrContains, compareIp, contains, familyOf, ipv4PrefixLength, networkOf, parseCidr, parseIp, type Cidr, type Ip } from '../addr.ts';
import type { Collector, Path } from '../collector.ts';
import { ScopedMap } from '../scoped.ts';
import type { DhcpOptions } from '../../model/state.ts';
import type { View } from '../view.ts';

/** Checks every address placement rule. */
export function checkSubnets(view: View, issues: Collector): void {
  const { lists } = view;
  const networkBlocks = new ScopedMap<string, Cidr[]>();
  for (const e of lists.networks) {
    const blocks: Cidr[] = [];
    const shared = e.value.sharedSubnet === undefined ? undefined : parseCidr(e.value.sharedSubnet);
    if (shared !== undefined) blocks.push(shared);
    e.value.ips?.forEach((block, j) => {
      const path = [...e.path, 'ips', j];
      const c = parseCidr(block.cidr);
      if (c === undefined) return;
      blocks.push(c);
      // With a shared subnet the bridge address is only a link-local anchor (a /32 is fine).
      if (shared === undefined) checkHostAddress(c, [...path, 'cidr'], 'the bridge address', issues);
      block.dhcpRanges?.forEach((r, k) => checkRange(c, r, [...path, 'dhcpRanges', k], issues));
    });
    networkBlocks.claim(e.scope, e.value.name, blocks);
    if (e.value.dhcpOptions) checkOptions(e.value.dhcpOptions, [...e.path, 'dhcpOptions'], issues);
  }
  const serverSubnets = new ScopedMap<string, Cidr>();
  for (const e of lists.dhcpServers) {
    const c = parseCidr(e.value.subnet);
    if (c) serverSubnets.claim(e.scope, e.value.name, c);
    if (e.value.options) checkOptions(e.value.options, [...e.path, 'options'], issues);
  }

  for (const e of lists.dhcpHosts) {
    const ip = parseIp(e.value.ip);
    // A reservation being removed need not fit anywhere.
    if (ip === undefined || e.value.state === 'absent') continue;
    const path = (): Path => [...e.path, 'ip'];
    if (e.value.network !== undefined) {
      const blocks = networkBlocks.get(e.scope, e.value.network);
      if (blocks === undefined) continue; // unknown, or made by a binding: its block is a fact known later
      if (!blocks.some((b) => contains(b, ip))) {
        const where = blocks.length === 0 ? 'which has no IP block' : `whose blocks are ${blocks.map((b) => `${networkOf(b).text}/${b.prefix}`).join(', ')}`;
        issues.add('outside_subnet', path(), `${ip.text} is outside network ${e.value.network}, ${where}`);
      }
    } else if (e.value.server !== undefined) {
      const subnet = serverSubnets.get(e.scope, e.value.server);
      if (subnet !== undefined && !contains(subnet, ip)) {
        issues.add('outside_subnet', path(), `${ip.text} is outside ${subnet.ip.text}/${subnet.prefix}, the subnet of server ${e.value.server}`);
      }
    }
  }

  for (const e of lists.bindings) {
    const b = e.value;
    const c = b.bridgeAddress === undefined ? undefined : parseCidr(b.bridgeAddress);
    if (c === undefined) continue;
    checkHostAddress(c, [...e.path, 'bridgeAddress'], 'the bridge address', issues);
    const gw = b.gateway === undefined ? undefined : parseIp(b.gateway);
    if (gw !== undefined && compareIp(gw, c.ip) === 0 && gw.family === c.ip.family) {
      issues.add('duplicate', [...e.path, 'bridgeAddress'], `the bridge address ${c.ip.text} is the gateway handed to the VM`);
    }
  }

  // Route gateways: reachable through an address of the device or an on-link route of it.
  // Addresses are kept as text per device and parsed only when a gateway is checked: in the
  // common case (the gateway is inside the device's first subnet) nothing is allocated.
  // A device's first address is kept bare; a list is made only for a second one.
  const addressed = new ScopedMap<string, string | string[]>();
  for (const e of lists.addresses) {
    const own = addressed.claim(e.scope, e.value.dev, e.value.cidr);
    if (own === undefined) continue;
    if (typeof own === 'string') addressed.set(e.scope, e.value.dev, [own, e.value.cidr]);
    else own.push(e.value.cidr);
  }
  let onLinkRoutes: ScopedMap<string, Cidr[]> | undefined;
  const onLinkOf = (scope: string | undefined, dev: string): readonly Cidr[] => {
    if (onLinkRoutes === undefined) {
      onLinkRoutes = new ScopedMap();
      for (const e of lists.routes) {
        if (e.value.gateway !== undefined) continue;
        const c = parseCidr(e.value.dst);
        if (c) onLinkRoutes.upsert(e.scope, e.value.dev, () => []).push(c);
      }
    }
    return onLinkRoutes.get(scope, dev) ?? [];
  };
  for (const e of lists.routes) {
    const r = e.value;
    const family = familyOfRouteDst(r.dst);
    for (const field of ROUTE_IPS) {
      const v = r[field];
      const f = v === undefined ? undefined : familyOf(v);
      if (f !== undefined && family !== undefined && f !== family) {
        issues.add('invalid_ip', [...e.path, field], `${parseIp(v!)!.text} is IPv${f} but the destination ${r.dst} is IPv${family}`);
      }
    }
    const gateway = r.gateway;
    if (gateway === undefined) continue;
    const found = addressed.get(e.scope, r.dev);
    if (found === undefined) continue;
    // The common case, one address whose subnet holds the gateway, allocates nothing.
    if (typeof found === 'string' ? cidrContains(found, gateway) : found.some((c) => cidrContains(c, gateway))) continue;
    const own = typeof found === 'string' ? [found] : found;
    const gw = parseIp(gateway);
    if (gw === undefined || gw.family !== family || isLinkLocal6(gw)) continue;
    const subnets = own.map(parseCidr).filter((c): c is Cidr => c !== undefined && c.ip.family === gw.family);
    if (subnets.length === 0) continue;
    if (!onLinkOf(e.scope, r.dev).some((c) => contains(c, gw))) {
      issues.add(
        'outside_subnet',
        [...e.path, 'gateway'],
        `gateway ${gw.text} is outside every subnet of ${r.dev} (${subnets.map((c) => `${networkOf(c).text}/${c.prefix}`).join(', ')}) and no on-link route of ${r.dev} covers it`,
      );
    }
  }
}

const ROUTE_IPS = ['gateway', 'prefsrc'] as const;

function familyOfRouteDst(dst: string): 4 | 6 | undefined {
  if (dst === 'default' || ipv4PrefixLength(dst) >= 0) return 4;
  if (dst === 'default6') return 6;
  return parseCidr(dst)?.ip.family;
}

function isLinkLocal6(ip: Ip): boolean {
  return ip.family === 6 && ip.bytes[0] === 0xfe && ((ip.bytes[1] ?? 0) & 0xc0) === 0x80;
}

/** An IPv4 interface address must not be its subnet's network or broadcast address, and must leave room for a peer. */
function checkHostAddress(c: Cidr, path: Path, what: string, issues: Collector): void {
  const max = c.ip.family === 4 ? 32 : 128;
  if (c.prefix >= max - (c.ip.family === 4 ? 1 : 0)) {
    issues.add('outside_subnet', path, `${what} ${c.ip.text}/${c.prefix} leaves no other address in its subnet for the VM`);
    return;
  }
  if (c.ip.family !== 4) return;
  if (compareIp(c.ip, networkOf(c)) === 0) issues.add('outside_subnet', path, `${what} ${c.ip.text} is the network address of ${c.ip.text}/${c.prefix}, not a host address`);
  else if (compareIp(c.ip, broadcastOf(c)) === 0) issues.add('outside_subnet', path, `${what} ${c.ip.text} is the broadcast address of ${networkOf(c).text}/${c.prefix}, not a host address`);
}

function checkRange(block: Cidr, r: { readonly start: string; readonly end: string }, path: Path, issues: Collector): void {
  const start = parseIp(r.start);
  const end = parseIp(r.end);
  const subnet = `${networkOf(block).text}/${block.prefix}`;
  for (const [field, a] of [['start', start], ['end', end]] as const) {
    if (a === undefined) continue;
    if (a.family !== block.ip.family) issues.add('invalid_ip', [...path, field], `${a.text} is IPv${a.family} but the block ${subnet} is IPv${block.ip.family}`);
    else if (!contains(block, a)) issues.add('outside_subnet', [...path, field], `${a.text} is outside the block ${subnet}`);
  }
  if (start && end && start.family === end.family && compareIp(start, end) > 0) {
    issues.add('out_of_range', [...path, 'end'], `the range ends (${end.text}) before it starts (${start.text})`);
  }
}

/** Clients ignore the router option when classless routes are sent (RFC 3442), so those must carry the default route. */
function checkOptions(o: DhcpOptions, path: Path, issues: Collector): void {
  if (o.router === undefined || o.routes === undefined || o.routes.length === 0) return;
  if (!o.routes.some((r) => parseCidr(r.dst)?.prefix === 0)) {
    issues.add('invalid_value', [...path, 'routes'], 'with classless routes (option 121) clients ignore the router option: add the default route 0.0.0.0/0 to routes');
  }
}
