/**
 * Reading one libvirt connection in two virsh processes: the first lists networks and
 * domains (with their active / autostart / running flags), the second dumps the XML of
 * every one of them.
 */
import { WirestateError, dhcpHostId } from '@wirestate/core';
import type { DhcpHost, Domain, Network, State, VmInterface } from '@wirestate/core';
import type { Runner } from '../exec.ts';
import { parseDomainXml } from './domain-xml.ts';
import { parseNetworkXml } from './network-xml.ts';
import { runVirsh, virshErrorText } from './virsh.ts';
import type { CommandResult } from './virsh.ts';

/** The kinds the libvirt driver reads. */
export type LibvirtState = Pick<State, 'networks' | 'dhcpHosts' | 'vmInterfaces' | 'domains'>;

/** The raw captures a snapshot is made from, also what `recorded/libvirt/` fixtures hold. */
export interface LibvirtCapture {
  /** Every network name (`net-list --all --name`). */
  readonly networks: readonly string[];
  /** Active network names (`net-list --name`). */
  readonly activeNetworks: readonly string[];
  /** Autostarted network names (`net-list --all --autostart --name`). */
  readonly autostartNetworks: readonly string[];
  /** Every domain name (`list --all --name`). */
  readonly domains: readonly string[];
  /** Running domain names (`list --name`). */
  readonly runningDomains: readonly string[];
  /** `net-dumpxml NAME` by network name. */
  readonly networkXml: Readonly<Record<string, string>>;
  /** `dumpxml NAME` by domain name. */
  readonly domainXml: Readonly<Record<string, string>>;
}

const LIST_COMMANDS = [
  ['net-list', '--all', '--name'],
  ['net-list', '--name'],
  ['net-list', '--all', '--autostart', '--name'],
  ['list', '--all', '--name'],
  ['list', '--name'],
] as const;

function names(r: CommandResult | undefined): string[] {
  return (r?.stdout ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/**
 * Captures a connection. Equivalent to `virsh -c URI 'net-list --all --name; …'` then
 * `virsh -c URI 'net-dumpxml A; net-dumpxml B; dumpxml VM; …'`.
 */
export async function captureLibvirt(run: Runner, virsh: string, uri: string, scope: string): Promise<LibvirtCapture> {
  const lists = await runVirsh(run, virsh, uri, LIST_COMMANDS);
  const failed = lists.find((r) => !r.ok);
  if (failed !== undefined) {
    throw new WirestateError('driver_failure', `listing networks and domains in scope ${scope}: ${virshErrorText(failed.stderr)}`);
  }
  const [all, active, autostart, doms, running] = lists.map(names) as [string[], string[], string[], string[], string[]];
  // Names with quotes or newlines are not ours; they are still read, virsh quoting copes.
  const dumps = await runVirsh(run, virsh, uri, [...all.map((n) => ['net-dumpxml', n]), ...doms.map((d) => ['dumpxml', d])]);
  const networkXml: Record<string, string> = {};
  const domainXml: Record<string, string> = {};
  // A network or domain removed between the two processes is simply absent.
  all.forEach((n, i) => {
    const r = dumps[i];
    if (r?.ok === true) networkXml[n] = r.stdout;
  });
  doms.forEach((d, i) => {
    const r = dumps[all.length + i];
    if (r?.ok === true) domainXml[d] = r.stdout;
  });
  return {
    networks: all.filter((n) => n in networkXml),
    activeNetworks: active,
    autostartNetworks: autostart,
    domains: doms.filter((d) => d in domainXml),
    runningDomains: running,
    networkXml,
    domainXml,
  };
}

/** Normalizes a capture into state. Pure. */
export function stateFromCapture(scope: string, cap: LibvirtCapture): LibvirtState {
  const networks: Record<string, Network> = {};
  const dhcpHosts: Record<string, DhcpHost> = {};
  const domains: Record<string, Domain> = {};
  const vmInterfaces: Record<string, VmInterface> = {};
  const active = new Set(cap.activeNetworks);
  const autostart = new Set(cap.autostartNetworks);
  const running = new Set(cap.runningDomains);
  for (const name of cap.networks) {
    const xml = cap.networkXml[name];
    if (xml === undefined) continue;
    const parsed = parseNetworkXml(xml, scope, { active: active.has(name), autostart: autostart.has(name) });
    networks[`${scope}/${parsed.network.name}`] = parsed.network;
    for (const h of parsed.hosts) dhcpHosts[dhcpHostId(h)] = h;
  }
  for (const name of cap.domains) {
    const xml = cap.domainXml[name];
    if (xml === undefined) continue;
    const parsed = parseDomainXml(xml, scope, running.has(name));
    domains[`${scope}/${parsed.domain.name}`] = parsed.domain;
    for (const i of parsed.interfaces) vmInterfaces[`${scope}/${i.domain}/${i.mac}`] = i;
  }
  return { networks, dhcpHosts, domains, vmInterfaces };
}
