/**
 * The files of one standalone dnsmasq under `stateDir/dnsmasq/<scope>/<name>/`: its config,
 * pid file, lease file, reservations (hosts file) and a JSON record of the `DhcpServer`
 * it was started for. Text formats are pure functions here.
 */
import { join } from 'node:path';
import type { DhcpHost, DhcpOptions, DhcpServer } from '@wirestate/core';
import ipaddr from 'ipaddr.js';
import { dhcpOptionLines, leaseText } from './options.ts';

/** Paths of one instance. */
export interface InstancePaths {
  readonly dir: string;
  readonly conf: string;
  readonly pid: string;
  readonly leases: string;
  readonly hosts: string;
  readonly record: string;
}

/** Where an instance keeps its files. */
export function instancePaths(stateDir: string, scope: string, name: string): InstancePaths {
  const dir = join(stateDir, 'dnsmasq', scope, name);
  return {
    dir,
    conf: join(dir, 'dnsmasq.conf'),
    pid: join(dir, 'dnsmasq.pid'),
    leases: join(dir, 'dnsmasq.leases'),
    hosts: join(dir, 'hosts'),
    record: join(dir, 'server.json'),
  };
}

/**
 * The config of an instance. `shared-network` lets dnsmasq serve the pod subnet on a
 * bridge that holds only a link-local address, so no address of the pod subnet is taken;
 * the range is `static` (reservations only); DNS is off (`port=0`).
 *
 * Equivalent to `dnsmasq --port=0 --interface=BR --shared-network=BR,NET --dhcp-range=NET,static,MASK,LEASE --dhcp-hostsfile=… …`.
 */
export function configText(s: DhcpServer, p: InstancePaths): string {
  const [net, len] = s.subnet.split('/');
  const mask = ipaddr.IPv4.subnetMaskFromPrefixLength(Number(len)).toString();
  const lease = leaseText(s.options?.leaseTime);
  return [
    `# dnsmasq ${s.name} of scope ${s.scope}, written by wirestate: changes are overwritten`,
    'port=0',
    `interface=${s.interface}`,
    'except-interface=lo',
    'bind-dynamic',
    `shared-network=${s.interface},${net}`,
    `dhcp-range=${net},static,${mask}${lease !== undefined ? `,${lease}` : ''}`,
    'dhcp-authoritative',
    'dhcp-no-override',
    'no-resolv',
    'no-hosts',
    `dhcp-hostsfile=${p.hosts}`,
    `dhcp-leasefile=${p.leases}`,
    `pid-file=${p.pid}`,
    // No router of ours means none at all: dnsmasq offers no own address here, as its
    // only address (link-local) is outside the served subnet; an empty option 3 is not needed.
    ...dhcpOptionLines(s.options),
    '',
  ].join('\n');
}

/** The hosts file: one `mac,ip[,hostname][,lease]` line per reservation, sorted by MAC. */
export function hostsText(hosts: readonly DhcpHost[], leaseTime?: DhcpOptions['leaseTime']): string {
  const lease = leaseText(leaseTime);
  return [...hosts]
    .sort((a, b) => (a.mac < b.mac ? -1 : a.mac > b.mac ? 1 : 0))
    .map((h) => [h.mac.toLowerCase(), h.ip, ...(h.hostname !== undefined ? [h.hostname] : []), ...(lease !== undefined ? [lease] : [])].join(','))
    .map((l) => `${l}\n`)
    .join('');
}

/** Reads a hosts file back into reservations of `server`. */
export function parseHosts(text: string, scope: string, server: string): DhcpHost[] {
  const out: DhcpHost[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [mac, ip, ...rest] = line.split(',');
    if (mac === undefined || ip === undefined) continue;
    const hostname = rest.find((f) => !/^(infinite|\d+[smhdw]?)$/.test(f));
    out.push({ scope, server, mac: mac.toLowerCase(), ip, ...(hostname !== undefined ? { hostname } : {}), owned: true });
  }
  return out;
}
