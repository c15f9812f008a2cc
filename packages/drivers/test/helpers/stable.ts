/** Snapshots compared across a rollback or a recover, without what a real system renumbers on its own. */
import type { State } from '@wirestate/core';

/** `s` without dnsmasq pids and libvirt's tap names (`target`), which a restart or re-attach changes. */
export function stable(s: State): State {
  const strip = <T extends object>(records: Readonly<Record<string, T>>, field: string): Record<string, T> =>
    Object.fromEntries(Object.entries(records).map(([k, v]) => [k, Object.fromEntries(Object.entries(v).filter(([f]) => f !== field)) as T]));
  return { ...s, dhcpServers: strip(s.dhcpServers, 'pid'), vmInterfaces: strip(s.vmInterfaces, 'target') };
}
