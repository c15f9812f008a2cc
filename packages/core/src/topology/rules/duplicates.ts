/** Two things claiming one identity: names, MACs, IPs, bridges, routes, pod NICs. */
import { ipIdentity, ipv4PrefixLength, parseCidr, normalizeRouteDst } from '../addr.ts';
import type { Collector, Path } from '../collector.ts';
import { ScopedMap } from '../scoped.ts';
// The expansion step's own defaults, so validation and expansion can never disagree.
import { defaultBridge as defaultBridgeName, defaultNetwork as defaultNetworkName } from '../../expand/names.ts';
import { toDotPath } from '../../errors.ts';
import type { Entry, Item, View } from '../view.ts';

/** How one kind of identity is claimed by the elements of a list. */
interface Claims<T> {
  /** The identity an element claims within its scope, or undefined for none. */
  readonly key: (e: Entry<T>) => string | number | undefined;
  /** Where the claim is written (the field to blame). */
  readonly at: (e: Entry<T>) => Path;
  /** What is claimed, for the message; built only when reporting. */
  readonly what: (e: Entry<T>) => string;
}

/** Reports every element whose claim an earlier element already made. */
function report<T>(entries: readonly Entry<T>[], claims: Claims<T>, issues: Collector): void {
  if (!mayRepeat(entries, claims.key)) return;
  const first = new ScopedMap<string | number, Entry<T>>();
  for (const e of entries) {
    const key = claims.key(e);
    if (key === undefined) continue;
    const earlier = first.claim(e.scope, key, e);
    if (earlier !== undefined) issues.add('duplicate', claims.at(e), `${claims.what(e)} is already claimed at ${toDotPath(claims.at(earlier))}`);
  }
}

const ipKey = (v: string): string | number => ipIdentity(v, 0, v.length);
// An address or MAC may move: leaving one place (`state: absent`) while taking another is no clash.
const present = (e: Entry<{ readonly state?: string }>): boolean => e.value.state !== 'absent';
const inScope = (scope: string | undefined): string => (scope === undefined ? '' : ` in scope ${scope}`);
const field =
  (name: string) =>
  (e: Entry<unknown>): Path => [...e.path, name];

/** A name claimed by some field of an element. */
interface Claimed {
  readonly name: string;
  /** Added to the message, e.g. how a default name came about. */
  readonly note: string;
}

function claim(e: Entry<unknown>, fieldName: string, name: string, note = ''): Entry<Claimed> {
  return { index: e.index, scope: e.scope, path: [...e.path, fieldName], value: { name, note } };
}

/** Checks every uniqueness rule. */
export function checkDuplicates(view: View, issues: Collector): void {
  const { lists } = view;

  report(lists.vms, { key: (e) => e.value.name, at: field('name'), what: (e) => `VM ${e.value.name}${inScope(e.scope)}` }, issues);

  // A pod NIC has one original MAC and IP: two bindings would hand them to two VM NICs.
  const nicKey = (e: Entry<{ podNic: string }>) => e.value.podNic;
  report(lists.bindings, { key: nicKey, at: field('podNic'), what: (e) => `pod NIC ${e.value.podNic}${inScope(e.scope)}` }, issues);
  const distinctNics = firstBy(lists.bindings, nicKey);

  // A bridge is made once per scope, by a binding or by a libvirt network; so is a network.
  const bridges: Entry<Claimed>[] = [];
  const networks: Entry<Claimed>[] = [];
  for (const e of distinctNics) {
    const b = e.value;
    if (b.mode !== 'macvtap') {
      bridges.push(
        b.bridge === undefined
          ? claim(e, 'podNic', defaultBridgeName(b.podNic), ' (the default name, br-<podNic> cut to 15 bytes; set "bridge")')
          : claim(e, 'bridge', b.bridge),
      );
    }
    if (b.mode === 'libvirt-network') {
      networks.push(b.network === undefined ? claim(e, 'podNic', defaultNetworkName(b.podNic), ' (the default name, pod-<podNic>)') : claim(e, 'network', b.network));
    }
  }
  for (const e of lists.networks) {
    bridges.push(claim(e, 'bridge', e.value.bridge));
    networks.push(claim(e, 'name', e.value.name));
  }
  report(bridges, { key: (e) => e.value.name, at: (e) => e.path, what: (e) => `bridge ${e.value.name}${e.value.note}${inScope(e.scope)}` }, issues);
  report(networks, { key: (e) => e.value.name, at: (e) => e.path, what: (e) => `libvirt network ${e.value.name}${e.value.note}${inScope(e.scope)}` }, issues);

  // Link names and veth peer names share one namespace per scope. Claims hold the element
  // itself: whether it claimed a name by its name or by its peer is read back from it.
  const linkNames = new ScopedMap<string, Entry<Item<'links'>>>();
  const claimName = (e: Entry<Item<'links'>>, scope: string | undefined, name: string, peer: boolean): void => {
    const earlier = linkNames.claim(scope, name, e);
    if (earlier === undefined) return;
    const byName = earlier.scope === scope && earlier.value.name === name;
    const what = `link name ${name}${inScope(scope)}${peer ? ' (a veth peer)' : ''}`;
    issues.add('duplicate', [...e.path, peer ? 'peer' : 'name'], `${what} is already claimed at ${toDotPath([...earlier.path, byName ? 'name' : 'peer'])}`);
  };
  const names = new ClaimNumbers(2 * lists.links.length);
  for (const e of lists.links) {
    names.add(e.scope, e.value.name);
    if (e.value.kind === 'veth' && e.value.peer !== undefined) names.add(e.value.peerScope ?? e.scope, e.value.peer);
  }
  for (const e of names.repeats() ? lists.links : []) {
    claimName(e, e.scope, e.value.name, false);
    if (e.value.kind === 'veth' && e.value.peer !== undefined) claimName(e, e.value.peerScope ?? e.scope, e.value.peer, true);
  }
  report(
    lists.links,
    { key: (e) => (e.value.mac === undefined || !present(e) ? undefined : e.value.mac.toLowerCase()), at: field('mac'), what: (e) => `MAC ${e.value.mac ?? ''}${inScope(e.scope)}` },
    issues,
  );
  report(
    lists.vmInterfaces,
    { key: (e) => (present(e) ? e.value.mac.toLowerCase() : undefined), at: field('mac'), what: (e) => `VM interface MAC ${e.value.mac}${inScope(e.scope)}` },
    issues,
  );

  const addressIp = (cidr: string) => parseCidr(cidr)?.ip.text ?? cidr;
  const addressKey = (cidr: string) => {
    const slash = cidr.indexOf('/');
    return slash < 0 ? cidr : ipIdentity(cidr, 0, slash);
  };
  report(
    lists.addresses,
    { key: (e) => (present(e) ? addressKey(e.value.cidr) : undefined), at: field('cidr'), what: (e) => `address ${addressIp(e.value.cidr)}${inScope(e.scope)}` },
    issues,
  );

  // A route is its destination, device and metric; the kernel keys IPv4 routes by destination
  // and metric alone, so a second device gets EEXIST there. One claim per route checks both.
  const routes = new ScopedMap<string | number, Entry<Item<'routes'>>>();
  for (const e of mayRepeat(lists.routes, (e) => routeKey(e.value)) ? lists.routes : []) {
    const earlier = routes.claim(e.scope, routeKey(e.value), e);
    if (earlier === undefined) continue;
    const dst = normalizeRouteDst(e.value.dst);
    const metric = e.value.metric ?? defaultMetric(dst);
    const what = earlier.value.dev === e.value.dev ? `route to ${dst} dev ${e.value.dev}${inScope(e.scope)}` : `IPv4 route to ${dst} with metric ${metric}${inScope(e.scope)}`;
    issues.add('duplicate', e.path, `${what} is already claimed at ${toDotPath(earlier.path)}`);
  }

  // A bridge-mode binding runs its own dnsmasq, named after its bridge.
  const servers: Entry<Claimed>[] = distinctNics
    .filter((e) => e.value.mode === 'bridge')
    .map((e) => claim(e, e.value.bridge === undefined ? 'podNic' : 'bridge', e.value.bridge ?? defaultBridgeName(e.value.podNic), ' (the dnsmasq of a bridge binding)'));
  for (const e of lists.dhcpServers) servers.push(claim(e, 'name', e.value.name));
  report(servers, { key: (e) => e.value.name, at: (e) => e.path, what: (e) => `DHCP server ${e.value.name}${e.value.note}${inScope(e.scope)}` }, issues);
  // Reservations name what serves them by name alone: a network and a server may not share one.
  report(
    [...firstBy(networks, (e) => e.value.name), ...firstBy(servers, (e) => e.value.name)],
    {
      key: (e) => e.value.name,
      at: (e) => e.path,
      what: (e) => `the name ${e.value.name}${e.value.note}${inScope(e.scope)} (libvirt networks and DHCP servers share one namespace: reservations name what serves them)`,
    },
    issues,
  );
  // One DHCP server per bridge: a binding's bridge already has one (libvirt's or its own dnsmasq).
  const dhcpOn: Entry<Claimed>[] = distinctNics
    .filter((e) => e.value.mode !== 'macvtap')
    .map((e) => claim(e, e.value.bridge === undefined ? 'podNic' : 'bridge', e.value.bridge ?? defaultBridgeName(e.value.podNic), ' (served by the binding)'));
  for (const e of lists.dhcpServers) dhcpOn.push(claim(e, 'interface', e.value.interface));
  report(dhcpOn, { key: (e) => e.value.name, at: (e) => e.path, what: (e) => `DHCP service on ${e.value.name}${e.value.note}${inScope(e.scope)}` }, issues);

  type Served = { network?: string; server?: string };
  const server = (h: Served) => (h.network !== undefined ? `network:${h.network}` : `server:${h.server ?? ''}`);
  const serverText = (h: Served) => (h.network !== undefined ? `network ${h.network}` : `server ${h.server ?? ''}`);
  report(
    lists.dhcpHosts,
    {
      key: (e) => `${server(e.value)}/${e.value.mac.toLowerCase()}`,
      at: field('mac'),
      what: (e) => `a reservation for MAC ${e.value.mac} on ${serverText(e.value)}`,
    },
    issues,
  );
  report(
    lists.dhcpHosts,
    { key: (e) => (present(e) ? `${server(e.value)}/${ipKey(e.value.ip)}` : undefined), at: field('ip'), what: (e) => `IP ${e.value.ip} on ${serverText(e.value)}` },
    issues,
  );

  report(lists.podNics, { key: (e) => e.value.ifname, at: field('ifname'), what: (e) => `pod NIC ${e.value.ifname}${inScope(e.scope)}` }, issues);
}

/**
 * Whether two elements may make the same claim. Duplicates are rare, and a table of 33,000
 * claims costs about 4 ms in a 100,000-resource topology (a hash table that size misses the
 * caches on every insert) where sorting the same claims as numbers in a typed array costs
 * about 1 ms. A numeric claim is its own number, a text claim a hash of it and its scope;
 * when no two numbers are equal no two claims are, and the precise pass that names
 * duplicates is skipped. Equal numbers (a duplicate, the same number in two scopes, or a
 * hash collision) take the precise pass.
 */
function mayRepeat<E extends { readonly scope: string | undefined }>(entries: readonly E[], key: (e: E) => string | number | undefined): boolean {
  const numbers = new ClaimNumbers(entries.length);
  for (const e of entries) {
    const k = key(e);
    if (k !== undefined) numbers.add(e.scope, k);
  }
  return numbers.repeats();
}

/** Claims as numbers, to be sorted and compared. */
class ClaimNumbers {
  private numbers: Float64Array | undefined;
  private n = 0;

  constructor(private readonly max: number) {}

  add(scope: string | undefined, k: string | number): void {
    (this.numbers ??= new Float64Array(this.max))[this.n++] = typeof k === 'number' ? k : textHash(scope ?? '', k);
  }

  repeats(): boolean {
    if (this.numbers === undefined) return false;
    const sorted = this.numbers.subarray(0, this.n).sort();
    for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) return true;
    return false;
  }
}

/** A 53-bit hash of a scope and a text: two 32-bit FNV-1a mixes with different seeds. */
function textHash(scope: string, text: string): number {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < scope.length; i++) {
    const c = scope.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  a = Math.imul(a ^ 0x2f, 0x01000193);
  b = Math.imul(b ^ 0x2f, 0x5bd1e995);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0) + ((b >>> 11) & 0x1fffff) * 2 ** 32;
}

/** The first element of each key (within its scope), in order. */
function firstBy<T extends Entry<unknown>>(items: readonly T[], key: (t: T) => string): T[] {
  const seen = new ScopedMap<string, T>();
  return items.filter((t) => seen.claim(t.scope, key(t), t) === undefined);
}

// An IPv4 route key packs destination, prefix and metric into one number below 2^53:
// (address × 33 + prefix) × 2^15 + metric. Larger metrics are keyed as text.
const METRICS_PACKED = 2 ** 15;

/**
 * What a route claims within its scope: an IPv4 route its destination and metric (as one
 * number when they fit, so no string is built per route), any other its destination,
 * device and metric (as text).
 */
function routeKey(r: Item<'routes'>): string | number {
  const ip4 = ipv4DstIdentity(r.dst);
  if (ip4 >= 0 && (r.metric ?? 0) < METRICS_PACKED) return ip4 * METRICS_PACKED + (r.metric ?? 0);
  const dst = normalizeRouteDst(r.dst);
  const metric = r.metric ?? defaultMetric(dst);
  return familyOfDst(dst) === 4 ? `${dst}/${metric}` : `${dst}/${r.dev}/${metric}`;
}

/** An IPv4 destination as address × 33 + prefix, every zero-length prefix (`default`) as 0; -1 for any other. */
function ipv4DstIdentity(dst: string): number {
  if (dst === 'default') return 0;
  const prefix = ipv4PrefixLength(dst);
  if (prefix < 0) return -1;
  return prefix === 0 ? 0 : (ipIdentity(dst, 0, dst.indexOf('/')) as number) * 33 + prefix;
}

function familyOfDst(dst: string): 4 | 6 | undefined {
  if (dst === 'default' || ipv4PrefixLength(dst) >= 0) return 4;
  if (dst === 'default6') return 6;
  return parseCidr(dst)?.ip.family;
}

function defaultMetric(dst: string): number {
  return familyOfDst(dst) === 6 ? 1024 : 0;
}
