/**
 * Work-around for a core bug found by this test: a binding declares the pod NIC as
 * `kind: 'device'` ("any NIC made outside wirestate"), but the netlink snapshot reports a
 * CNI pod NIC as what it is (`veth` for bridge/ptp), and the link descriptor compares
 * `kind` strictly, so the plan conflicts ("kind differs … cannot change in place").
 * Fix in core (`kinds/link.ts`): `{ name: 'kind', immutable: true, equals: (d, l) => d === 'device' || d === l }`.
 * Until then the netlink snapshot is wrapped to report unowned links that CNI made as
 * `device`; the wrapper turns itself off once core accepts `device` over `veth`.
 */
import { completeState, plan, type Driver, type Link } from '@wirestate/core';

/** True when core plans no conflict for a desired `device` over a live `veth`. */
export function coreAcceptsDeviceOverVeth(): boolean {
  const live = completeState({ links: { 's/eth42': { scope: 's', name: 'eth42', kind: 'veth', mac: '02:00:00:00:00:01', owned: false } } });
  const desired = completeState({ links: { 's/eth42': { scope: 's', name: 'eth42', kind: 'device', mac: '02:00:00:00:00:02' } } });
  return plan(desired, live).conflicts.length === 0;
}

/** The netlink driver with CNI-made links (named in `cniNics()`, as `scope/ifname`) reported as `device`. */
export function cniNicsAsDevices(netlink: Driver, cniNics: () => Promise<ReadonlySet<string>>): Driver {
  if (coreAcceptsDeviceOverVeth()) return netlink;
  return {
    ...netlink,
    name: netlink.name,
    execute: (op) => netlink.execute(op),
    ...(netlink.executeBatch ? { executeBatch: (ops) => netlink.executeBatch!(ops) } : {}),
    ...(netlink.close ? { close: () => netlink.close!() } : {}),
    async snapshot(scopes) {
      const [part, nics] = await Promise.all([netlink.snapshot(scopes), cniNics()]);
      const links: Record<string, Link> = {};
      for (const [id, l] of Object.entries(part.links ?? {})) links[id] = nics.has(id) && l.owned !== true ? { ...l, kind: 'device' } : l;
      return { ...part, links };
    },
  };
}
