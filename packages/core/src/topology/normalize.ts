/**
 * Canonical form of a valid topology: lowercase MACs, canonical IP text (RFC 5952 for IPv6,
 * `default`/`default6` for zero-length route prefixes) and the only scope written on every
 * element. Nothing else is filled in: defaults belong to the expansion step.
 */
import { normalizeCidr, normalizeIp, normalizeMac, normalizeRouteDst } from './addr.ts';
import type { DhcpOptions } from '../model/state.ts';
import type { Topology } from './types.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Normalizes a valid topology in place and returns it. It must be the caller's own copy —
 * the schema's parse output, which copies every object — so a 100,000-element topology is
 * not copied a second time.
 */
export function normalizeTopologyInPlace(t: Topology): Topology {
  const names = Object.keys(t.scopes);
  const only = names.length === 1 ? names[0] : undefined;
  const fix = <T extends { readonly scope?: string }>(list: readonly T[] | undefined, each?: (o: Mutable<T>) => void): void => {
    if (list === undefined) return;
    for (const x of list) {
      const o = x as Mutable<T>;
      if (o.scope === undefined && only !== undefined) o.scope = only;
      each?.(o);
    }
  };
  fix(t.vms);
  fix(t.bindings, (o) => {
    if (o.bridgeAddress !== undefined) o.bridgeAddress = normalizeCidr(o.bridgeAddress);
    if (o.gateway !== undefined) o.gateway = normalizeIp(o.gateway);
    if (o.dns?.servers !== undefined) o.dns = { ...o.dns, servers: o.dns.servers.map(normalizeIp) };
  });
  fix(t.links, (o) => {
    if (o.mac !== undefined) o.mac = normalizeMac(o.mac);
  });
  fix(t.addresses, (o) => {
    o.cidr = normalizeCidr(o.cidr);
  });
  fix(t.routes, (o) => {
    o.dst = normalizeRouteDst(o.dst);
    if (o.gateway !== undefined) o.gateway = normalizeIp(o.gateway);
    if (o.prefsrc !== undefined) o.prefsrc = normalizeIp(o.prefsrc);
  });
  fix(t.networks, (o) => {
    if (o.mac !== undefined) o.mac = normalizeMac(o.mac);
    if (o.ips !== undefined) {
      o.ips = o.ips.map((block) => {
        const b = { ...block, cidr: normalizeCidr(block.cidr) };
        if (b.dhcpRanges !== undefined) b.dhcpRanges = b.dhcpRanges.map((r) => ({ start: normalizeIp(r.start), end: normalizeIp(r.end) }));
        return b;
      });
    }
    if (o.dhcpOptions !== undefined) o.dhcpOptions = normalizeOptions(o.dhcpOptions);
  });
  fix(t.dhcpServers, (o) => {
    o.subnet = normalizeCidr(o.subnet);
    if (o.options !== undefined) o.options = normalizeOptions(o.options);
  });
  fix(t.dhcpHosts, (o) => {
    o.mac = normalizeMac(o.mac);
    o.ip = normalizeIp(o.ip);
  });
  fix(t.vmInterfaces, (o) => {
    o.mac = normalizeMac(o.mac);
  });
  fix(t.podNics);
  return t;
}

function normalizeOptions(opts: DhcpOptions): DhcpOptions {
  const o: Mutable<DhcpOptions> = { ...opts };
  if (o.router !== undefined) o.router = normalizeIp(o.router);
  if (o.routes !== undefined) o.routes = o.routes.map((r) => ({ dst: normalizeCidr(r.dst), gateway: normalizeIp(r.gateway) }));
  if (o.dnsServers !== undefined) o.dnsServers = o.dnsServers.map(normalizeIp);
  return o;
}
