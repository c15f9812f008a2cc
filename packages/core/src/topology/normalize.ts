/**
 * Canonical form of a valid topology: lowercase MACs, canonical IP text (RFC 5952 for IPv6,
 * `default`/`default6` for zero-length route prefixes) and the only scope written on every
 * element. Nothing else is filled in: defaults belong to the expansion step.
 */
import { normalizeCidr, normalizeIp, normalizeMac, normalizeRouteDst } from './addr.ts';
import type { DhcpOptions } from '../model/state.ts';
import type { Topology } from './types.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Returns the normalized copy of a topology that passed validation (inputs are not changed). */
export function normalizeTopology(t: Topology): Topology {
  const names = Object.keys(t.scopes);
  const only = names.length === 1 ? names[0] : undefined;
  // One copy per element, then fixes in place: large topologies normalize without churn.
  const copy = <T extends { readonly scope?: string }>(x: T): Mutable<T> => {
    const o: Mutable<T> = { ...x };
    if (o.scope === undefined && only !== undefined) o.scope = only;
    return o;
  };
  const out: Mutable<Topology> = { apiVersion: t.apiVersion, scopes: t.scopes };
  if (t.vms) out.vms = t.vms.map(copy);
  if (t.bindings) {
    out.bindings = t.bindings.map((b) => {
      const o = copy(b);
      if (o.bridgeAddress !== undefined) o.bridgeAddress = normalizeCidr(o.bridgeAddress);
      if (o.gateway !== undefined) o.gateway = normalizeIp(o.gateway);
      if (o.dns?.servers !== undefined) o.dns = { ...o.dns, servers: o.dns.servers.map(normalizeIp) };
      return o;
    });
  }
  if (t.links) {
    out.links = t.links.map((l) => {
      const o = copy(l);
      if (o.mac !== undefined) o.mac = normalizeMac(o.mac);
      return o;
    });
  }
  if (t.addresses) {
    out.addresses = t.addresses.map((a) => {
      const o = copy(a);
      o.cidr = normalizeCidr(o.cidr);
      return o;
    });
  }
  if (t.routes) {
    out.routes = t.routes.map((r) => {
      const o = copy(r);
      o.dst = normalizeRouteDst(o.dst);
      if (o.gateway !== undefined) o.gateway = normalizeIp(o.gateway);
      if (o.prefsrc !== undefined) o.prefsrc = normalizeIp(o.prefsrc);
      return o;
    });
  }
  if (t.networks) {
    out.networks = t.networks.map((n) => {
      const o = copy(n);
      if (o.mac !== undefined) o.mac = normalizeMac(o.mac);
      if (o.ips !== undefined) {
        o.ips = o.ips.map((block) => {
          const b = { ...block, cidr: normalizeCidr(block.cidr) };
          if (b.dhcpRanges !== undefined) b.dhcpRanges = b.dhcpRanges.map((r) => ({ start: normalizeIp(r.start), end: normalizeIp(r.end) }));
          return b;
        });
      }
      if (o.dhcpOptions !== undefined) o.dhcpOptions = normalizeOptions(o.dhcpOptions);
      return o;
    });
  }
  if (t.dhcpServers) {
    out.dhcpServers = t.dhcpServers.map((sv) => {
      const o = copy(sv);
      o.subnet = normalizeCidr(o.subnet);
      if (o.options !== undefined) o.options = normalizeOptions(o.options);
      return o;
    });
  }
  if (t.dhcpHosts) {
    out.dhcpHosts = t.dhcpHosts.map((h) => {
      const o = copy(h);
      o.mac = normalizeMac(o.mac);
      o.ip = normalizeIp(o.ip);
      return o;
    });
  }
  if (t.vmInterfaces) {
    out.vmInterfaces = t.vmInterfaces.map((v) => {
      const o = copy(v);
      o.mac = normalizeMac(o.mac);
      return o;
    });
  }
  if (t.podNics) out.podNics = t.podNics.map(copy);
  return out;
}

function normalizeOptions(opts: DhcpOptions): DhcpOptions {
  const o: Mutable<DhcpOptions> = { ...opts };
  if (o.router !== undefined) o.router = normalizeIp(o.router);
  if (o.routes !== undefined) o.routes = o.routes.map((r) => ({ dst: normalizeCidr(r.dst), gateway: normalizeIp(r.gateway) }));
  if (o.dnsServers !== undefined) o.dnsServers = o.dnsServers.map(normalizeIp);
  return o;
}
