/**
 * Canonical form of a valid topology: lowercase MACs, canonical IP text (RFC 5952 for IPv6,
 * `default`/`default6` for zero-length route prefixes) and the only scope written on every
 * element. Nothing else is filled in: defaults belong to the expansion step.
 */
import { normalizeCidr, normalizeIp, normalizeMac, normalizeRouteDst } from './addr.ts';
import type { DhcpOptions } from '../model/state.ts';
import type { Topology } from './types.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Returns the normalized copy of a topology that passed validation. */
export function normalizeTopology(t: Topology): Topology {
  const names = Object.keys(t.scopes);
  const only = names.length === 1 ? names[0] : undefined;
  // Writes the only scope where it is left out, so later steps never guess.
  const scoped = <T extends { readonly scope?: string }>(x: T): T => (x.scope !== undefined || only === undefined ? x : { ...x, scope: only });
  const mac = <T extends { readonly mac?: string }>(x: T): T => (x.mac === undefined ? x : { ...x, mac: normalizeMac(x.mac) });
  const ips = (xs: readonly string[] | undefined) => xs?.map(normalizeIp);

  const out: Mutable<Topology> = { apiVersion: t.apiVersion, scopes: t.scopes };
  if (t.vms) out.vms = t.vms.map(scoped);
  if (t.bindings) {
    out.bindings = t.bindings.map((b) =>
      scoped({
        ...b,
        ...(b.bridgeAddress !== undefined && { bridgeAddress: normalizeCidr(b.bridgeAddress) }),
        ...(b.gateway !== undefined && { gateway: normalizeIp(b.gateway) }),
        ...(b.dns !== undefined && { dns: { ...b.dns, ...(b.dns.servers && { servers: ips(b.dns.servers) }) } }),
      }),
    );
  }
  if (t.links) out.links = t.links.map((l) => scoped(mac(l)));
  if (t.addresses) out.addresses = t.addresses.map((a) => scoped({ ...a, cidr: normalizeCidr(a.cidr) }));
  if (t.routes) {
    out.routes = t.routes.map((r) =>
      scoped({
        ...r,
        dst: normalizeRouteDst(r.dst),
        ...(r.gateway !== undefined && { gateway: normalizeIp(r.gateway) }),
        ...(r.prefsrc !== undefined && { prefsrc: normalizeIp(r.prefsrc) }),
      }),
    );
  }
  if (t.networks) {
    out.networks = t.networks.map((n) =>
      scoped(
        mac({
          ...n,
          ...(n.ips && {
            ips: n.ips.map((block) => ({
              ...block,
              cidr: normalizeCidr(block.cidr),
              ...(block.dhcpRanges && { dhcpRanges: block.dhcpRanges.map((r) => ({ start: normalizeIp(r.start), end: normalizeIp(r.end) })) }),
            })),
          }),
          ...(n.dhcpOptions && { dhcpOptions: normalizeOptions(n.dhcpOptions) }),
        }),
      ),
    );
  }
  if (t.dhcpServers) {
    out.dhcpServers = t.dhcpServers.map((s) => scoped({ ...s, subnet: normalizeCidr(s.subnet), ...(s.options && { options: normalizeOptions(s.options) }) }));
  }
  if (t.dhcpHosts) out.dhcpHosts = t.dhcpHosts.map((h) => scoped(mac({ ...h, ip: normalizeIp(h.ip) })));
  if (t.vmInterfaces) out.vmInterfaces = t.vmInterfaces.map((v) => scoped(mac(v)));
  if (t.podNics) out.podNics = t.podNics.map(scoped);
  return out;
}

function normalizeOptions(o: DhcpOptions): DhcpOptions {
  return {
    ...o,
    ...(o.router !== undefined && { router: normalizeIp(o.router) }),
    ...(o.routes && { routes: o.routes.map((r) => ({ dst: normalizeCidr(r.dst), gateway: normalizeIp(r.gateway) })) }),
    ...(o.dnsServers && { dnsServers: o.dnsServers.map(normalizeIp) }),
  };
}
