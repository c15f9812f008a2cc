/** Two things claiming one identity: names, MACs, IPs, bridges, routes, pod NICs. */
import { parseCidr, parseIp, normalizeRouteDst } from '../addr.ts';
import type { Collector, Path } from '../collector.ts';
import { defaultBridgeName, defaultNetworkName } from '../derived.ts';
import { toDotPath } from '../../errors.ts';
import type { View } from '../view.ts';

/** One claim: a key, where it is made, and how to say what is claimed. */
interface Claim {
  readonly key: string | undefined;
  readonly path: Path;
  readonly what: string;
}

/** Reports every claim whose key an earlier claim already made. */
function reportDuplicates(claims: Iterable<Claim>, issues: Collector): void {
  const first = new Map<string, Claim>();
  for (const c of claims) {
    if (c.key === undefined) continue;
    const earlier = first.get(c.key);
    if (earlier === undefined) first.set(c.key, c);
    else issues.add('duplicate', c.path, `${c.what} is already claimed at ${toDotPath(earlier.path)}`);
  }
}

const ipKey = (v: string): string => parseIp(v)?.text ?? v;
const macKey = (v: string): string => v.toLowerCase();

/** Checks every uniqueness rule. */
export function checkDuplicates(view: View, issues: Collector): void {
  const { lists } = view;
  const s = (scope: string | undefined) => scope ?? '';
  const inScope = (scope: string | undefined) => (scope === undefined ? '' : ` in scope ${scope}`);

  reportDuplicates(
    lists.vms.map((e) => ({ key: `${s(e.scope)}/${e.value.name}`, path: [...e.path, 'name'], what: `VM ${e.value.name}${inScope(e.scope)}` })),
    issues,
  );

  // A pod NIC has one original MAC and IP: two bindings would hand them to two VM NICs.
  reportDuplicates(
    lists.bindings.map((e) => ({ key: `${s(e.scope)}/${e.value.podNic}`, path: [...e.path, 'podNic'], what: `pod NIC ${e.value.podNic}${inScope(e.scope)}` })),
    issues,
  );
  const distinctNics = dedupeBy(lists.bindings, (e) => `${s(e.scope)}/${e.value.podNic}`);
  reportDuplicates(
    distinctNics
      .filter((e) => e.value.mode !== 'macvtap')
      .map((e) => {
        const name = e.value.bridge ?? defaultBridgeName(e.value.podNic);
        const path = e.value.bridge === undefined ? [...e.path, 'podNic'] : [...e.path, 'bridge'];
        const note = e.value.bridge === undefined ? ' (the default name, br-<podNic> cut to 15 bytes; set "bridge")' : '';
        return { key: `${s(e.scope)}/${name}`, path, what: `bridge ${name}${note}` };
      }),
    issues,
  );
  reportDuplicates(
    distinctNics
      .filter((e) => e.value.mode === 'libvirt-network')
      .map((e) => {
        const name = e.value.network ?? defaultNetworkName(e.value.podNic);
        const path = e.value.network === undefined ? [...e.path, 'podNic'] : [...e.path, 'network'];
        return { key: `${s(e.scope)}/${name}`, path, what: `libvirt network ${name}` };
      }),
    issues,
  );

  // Link names and veth peer names share one namespace per scope.
  const linkNames: Claim[] = [];
  for (const e of lists.links) {
    linkNames.push({ key: `${s(e.scope)}/${e.value.name}`, path: [...e.path, 'name'], what: `link name ${e.value.name}${inScope(e.scope)}` });
    if (e.value.kind === 'veth' && e.value.peer !== undefined) {
      const scope = e.value.peerScope ?? e.scope;
      linkNames.push({ key: `${s(scope)}/${e.value.peer}`, path: [...e.path, 'peer'], what: `link name ${e.value.peer}${inScope(scope)} (a veth peer)` });
    }
  }
  reportDuplicates(
    linkNames.sort((a, b) => comparePaths(a.path, b.path)),
    issues,
  );
  reportDuplicates(
    lists.links.map((e) => ({
      key: e.value.mac === undefined ? undefined : `${s(e.scope)}/${macKey(e.value.mac)}`,
      path: [...e.path, 'mac'],
      what: `MAC ${e.value.mac ?? ''}${inScope(e.scope)}`,
    })),
    issues,
  );
  reportDuplicates(
    lists.vmInterfaces.map((e) => ({ key: `${s(e.scope)}/${macKey(e.value.mac)}`, path: [...e.path, 'mac'], what: `VM interface MAC ${e.value.mac}${inScope(e.scope)}` })),
    issues,
  );

  reportDuplicates(
    lists.addresses.map((e) => {
      const c = parseCidr(e.value.cidr);
      return { key: `${s(e.scope)}/${c?.ip.text ?? e.value.cidr}`, path: [...e.path, 'cidr'], what: `address ${c?.ip.text ?? e.value.cidr}${inScope(e.scope)}` };
    }),
    issues,
  );

  reportDuplicates(
    lists.routes.map((e) => {
      const r = e.value;
      const dst = normalizeRouteDst(r.dst);
      return { key: `${s(e.scope)}/${dst}/${r.dev}/${r.metric ?? defaultMetric(dst)}`, path: e.path, what: `route to ${dst} dev ${r.dev}${inScope(e.scope)}` };
    }),
    issues,
  );
  // The kernel keys IPv4 routes by destination and metric: a second device gets EEXIST.
  const exact = dedupeBy(lists.routes, (e) => `${s(e.scope)}/${normalizeRouteDst(e.value.dst)}/${e.value.dev}/${e.value.metric ?? defaultMetric(normalizeRouteDst(e.value.dst))}`);
  reportDuplicates(
    exact
      .filter((e) => familyOfDst(normalizeRouteDst(e.value.dst)) === 4)
      .map((e) => {
        const dst = normalizeRouteDst(e.value.dst);
        return { key: `${s(e.scope)}/${dst}/${e.value.metric ?? 0}`, path: e.path, what: `IPv4 route to ${dst} with metric ${e.value.metric ?? 0}${inScope(e.scope)}` };
      }),
    issues,
  );

  reportDuplicates(
    lists.networks.map((e) => ({ key: `${s(e.scope)}/${e.value.name}`, path: [...e.path, 'name'], what: `libvirt network ${e.value.name}${inScope(e.scope)}` })),
    issues,
  );
  reportDuplicates(
    lists.networks.map((e) => ({ key: `${s(e.scope)}/${e.value.bridge}`, path: [...e.path, 'bridge'], what: `bridge ${e.value.bridge}${inScope(e.scope)}` })),
    issues,
  );
  reportDuplicates(
    lists.dhcpServers.map((e) => ({ key: `${s(e.scope)}/${e.value.name}`, path: [...e.path, 'name'], what: `DHCP server ${e.value.name}${inScope(e.scope)}` })),
    issues,
  );
  reportDuplicates(
    lists.dhcpServers.map((e) => ({ key: `${s(e.scope)}/${e.value.interface}`, path: [...e.path, 'interface'], what: `DHCP service on ${e.value.interface}${inScope(e.scope)}` })),
    issues,
  );

  const server = (h: { network?: string; server?: string }) => (h.network !== undefined ? `network:${h.network}` : `server:${h.server ?? ''}`);
  const serverText = (h: { network?: string; server?: string }) => (h.network !== undefined ? `network ${h.network}` : `server ${h.server ?? ''}`);
  reportDuplicates(
    lists.dhcpHosts.map((e) => ({ key: `${s(e.scope)}/${server(e.value)}/${macKey(e.value.mac)}`, path: [...e.path, 'mac'], what: `a reservation for MAC ${e.value.mac} on ${serverText(e.value)}` })),
    issues,
  );
  reportDuplicates(
    lists.dhcpHosts.map((e) => ({ key: `${s(e.scope)}/${server(e.value)}/${ipKey(e.value.ip)}`, path: [...e.path, 'ip'], what: `IP ${e.value.ip} on ${serverText(e.value)}` })),
    issues,
  );

  reportDuplicates(
    lists.podNics.map((e) => ({ key: `${s(e.scope)}/${e.value.ifname}`, path: [...e.path, 'ifname'], what: `pod NIC ${e.value.ifname}${inScope(e.scope)}` })),
    issues,
  );
}

function dedupeBy<T>(items: readonly T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((t) => {
    const k = key(t);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function familyOfDst(dst: string): 4 | 6 | undefined {
  if (dst === 'default') return 4;
  if (dst === 'default6') return 6;
  return parseCidr(dst)?.ip.family;
}

function defaultMetric(dst: string): number {
  return familyOfDst(dst) === 6 ? 1024 : 0;
}

/** Orders paths as they appear in the document (list by list, index by index, then field). */
function comparePaths(a: Path, b: Path): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}
