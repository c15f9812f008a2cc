/** A libvirt network's bridge loses its ports when the network stops: rollback puts them back. */
import test from 'ava';
import { apply, completeState, isApplyFailure, plan, type Op, type State } from '@wirestate/core';
import { createMemorySystem } from '@wirestate/drivers';

/** A running network wirestate owns, with a tap nobody declared on its bridge (a VM's). */
async function liveWithTap(): Promise<State> {
  const sys = createMemorySystem(completeState({}));
  const network = { scope: 's', name: 'old', bridge: 'virbr9' };
  const ops: Op[] = [
    { type: 'network.define', network },
    { type: 'network.start', network },
    { type: 'link.create', link: { scope: 's', name: 'vnet0', kind: 'tap', up: true } },
    { type: 'link.set', scope: 's', name: 'vnet0', attrs: { master: 'virbr9' } },
  ];
  for (const op of ops) await (op.type.startsWith('network.') ? sys.drivers.libvirt! : sys.drivers.netlink!).execute(op);
  // The tap is the VM's, not ours.
  return { ...sys.state, links: { ...sys.state.links, 's/vnet0': { ...sys.state.links['s/vnet0']!, owned: false } } };
}

test('a fault at any step of deleting a network with a VM tap on its bridge rolls back with the tap enslaved again', async (t) => {
  const live = await liveWithTap();
  t.is(live.links['s/vnet0']?.master, 'virbr9');
  const p = plan(completeState({}), live);
  t.deepEqual(p.steps.map((s) => s.op.type), ['network.destroy', 'network.undefine']);
  for (let at = 0; at < p.steps.length; at++) {
    const sys = createMemorySystem(live, { faults: [{ atCall: at }] });
    const err = await apply(p, sys.drivers, { pipeline: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    t.true(isApplyFailure(err) && err.failedStep.index === at && err.rollbackFailures.length === 0, `a clean failure at step ${at}`);
    t.deepEqual(sys.state, live, `rolled back from step ${at}`);
  }
});
