/**
 * DHCP options as dnsmasq config lines, both ways. Shared by the standalone dnsmasq
 * driver (its config file) and the libvirt driver (`<dnsmasq:options>`), so that what
 * wirestate writes parses back to the same `DhcpOptions`.
 */
import type { ClasslessRoute, DhcpOptions } from '@wirestate/core';

/**
 * The `dhcp-option=…` lines for the options, in a fixed order. The lease time is not an
 * option in dnsmasq (it belongs to a range or a host), so it is left to the caller.
 *
 * Equivalent to `dnsmasq --dhcp-option=option:router,GW --dhcp-option=option:classless-static-route,DST,GW,… …`.
 */
export function dhcpOptionLines(o: DhcpOptions | undefined): string[] {
  if (o === undefined) return [];
  const lines: string[] = [];
  // An explicit router overrides libvirt's own `dhcp-option=3` (empty router) on isolated
  // networks: dnsmasq keeps the last value given for an option.
  if (o.router !== undefined) lines.push(`dhcp-option=option:router,${o.router}`);
  if (o.routes !== undefined && o.routes.length > 0) {
    lines.push(`dhcp-option=option:classless-static-route,${o.routes.map((r) => `${r.dst},${r.gateway}`).join(',')}`);
  }
  if (o.mtu !== undefined) lines.push(`dhcp-option=option:mtu,${o.mtu}`);
  if (o.dnsServers !== undefined && o.dnsServers.length > 0) lines.push(`dhcp-option=option:dns-server,${o.dnsServers.join(',')}`);
  if (o.searchDomains !== undefined && o.searchDomains.length > 0) {
    lines.push(`dhcp-option=option:domain-search,${o.searchDomains.join(',')}`);
  }
  return lines;
}

/** Result of reading `dhcp-option` lines back: the options understood and the lines that were not. */
export interface ParsedOptionLines {
  readonly options: DhcpOptions;
  readonly unknown: readonly string[];
}

/** Reads `dhcp-option=…` lines written by `dhcpOptionLines` (or by hand in the same form). */
export function parseDhcpOptionLines(lines: readonly string[]): ParsedOptionLines {
  const out: { -readonly [K in keyof DhcpOptions]: DhcpOptions[K] } = {};
  const unknown: string[] = [];
  for (const line of lines) {
    const m = /^dhcp-option=(?:option:)?([\w-]+),(.*)$/.exec(line.trim());
    const key = m?.[1];
    const vals = (m?.[2] ?? '').split(',').filter((v) => v !== '');
    switch (key) {
      case 'router':
      case '3':
        if (vals[0] !== undefined) out.router = vals[0];
        else unknown.push(line);
        break;
      case 'classless-static-route':
      case '121': {
        const routes: ClasslessRoute[] = [];
        for (let i = 0; i + 1 < vals.length; i += 2) routes.push({ dst: vals[i] as string, gateway: vals[i + 1] as string });
        out.routes = routes;
        break;
      }
      case 'mtu':
      case '26':
        out.mtu = Number(vals[0]);
        break;
      case 'dns-server':
      case '6':
        out.dnsServers = vals;
        break;
      case 'domain-search':
      case '119':
        out.searchDomains = vals;
        break;
      default:
        unknown.push(line);
    }
  }
  return { options: out, unknown };
}

/** The lease time as dnsmasq writes it in `dhcp-range` and `dhcp-host`: `infinite` or seconds. */
export function leaseText(leaseTime: DhcpOptions['leaseTime']): string | undefined {
  if (leaseTime === undefined) return undefined;
  return leaseTime === 'infinite' ? 'infinite' : `${leaseTime}`;
}
