/**
 * Work-around for a core ordering bug found by this test: in `libvirt-network` mode the
 * plan puts `address.delete eth42 10.244.0.5/24` (netlink) and `network.start pod-eth42`
 * (libvirt, bridge address 10.244.0.254/24) in the same wave, and apply runs the drivers
 * of a wave in parallel. When libvirt wins, it refuses to start: "Network is already in
 * use by interface eth42" (networkCheckRouteCollision sees the pod NIC's subnet route).
 * Fix in core (`kinds/network.ts`): the start step must require the removal of every
 * address of the scope that lies in one of the network's IP blocks.
 * Until then, libvirt ops wait for the netlink ops started in the same tick (one wave).
 */
import type { Driver, Op, OpOutcome } from '@wirestate/core';

/** The netlink and libvirt drivers with libvirt's ops of a wave run after netlink's; `hits` counts waves where it mattered. */
export function netlinkBeforeLibvirt(netlink: Driver, libvirt: Driver): { netlink: Driver; libvirt: Driver; hits: () => number } {
  let inflight: Promise<unknown> = Promise.resolve();
  let pendingNetlink = 0;
  let hits = 0;
  const track = <T>(p: Promise<T>): Promise<T> => {
    pendingNetlink += 1;
    const done = p.finally(() => {
      pendingNetlink -= 1;
    });
    inflight = Promise.all([inflight, done.catch(() => undefined)]);
    return done;
  };
  const wait = async (ops: readonly Op[]): Promise<void> => {
    // apply() calls every driver of a wave in one tick: let netlink's call register first.
    await new Promise((r) => setImmediate(r));
    if (pendingNetlink > 0 && ops.some((o) => o.type === 'network.start')) hits += 1;
    await inflight;
  };
  return {
    hits: () => hits,
    netlink: {
      ...netlink,
      execute: (op) => track(netlink.execute(op)),
      ...(netlink.executeBatch ? { executeBatch: (ops: readonly Op[]): Promise<readonly OpOutcome[]> => track(netlink.executeBatch!(ops)) } : {}),
    },
    libvirt: {
      ...libvirt,
      execute: async (op) => {
        await wait([op]);
        return libvirt.execute(op);
      },
      ...(libvirt.executeBatch
        ? {
            executeBatch: async (ops: readonly Op[]): Promise<readonly OpOutcome[]> => {
              await wait(ops);
              return libvirt.executeBatch!(ops);
            },
          }
        : {}),
    },
  };
}
