/** apply(): rollback in reverse, the original error rethrown with rollback failures, journal order. */
import test from 'ava';
import { apply, completeState, isApplyFailure, memoryJournal, plan, WirestateError, type Driver, type Op, type State } from '@wirestate/core';

/** A netlink-role driver that records ops and fails where told. */
function recorder(failOn: (op: Op, n: number) => boolean): Driver & { ops: string[] } {
  const ops: string[] = [];
  let n = 0;
  return {
    name: 'netlink',
    ops,
    snapshot: async () => ({}),
    async execute(op) {
      const i = n++;
      if (failOn(op, i)) throw new WirestateError('driver_failure', `boom at ${i}`, { code: 'EBUSY' });
      ops.push(op.type === 'link.create' || op.type === 'link.delete' ? `${op.type} ${op.link.name}` : op.type);
    },
  };
}

const desired: State = completeState({
  links: {
    's/br0': { scope: 's', name: 'br0', kind: 'bridge' },
    's/br1': { scope: 's', name: 'br1', kind: 'bridge' },
    's/br2': { scope: 's', name: 'br2', kind: 'bridge' },
  },
});
const p = plan(desired, completeState({}));

test('a failing step rolls back the completed ones in reverse and rethrows the original error', async (t) => {
  const d = recorder((_op, n) => n === 2);
  const journal = memoryJournal();
  const err = await t.throwsAsync(apply(p, { netlink: d }, { journal, pipeline: false }));
  t.true(isApplyFailure(err));
  if (!isApplyFailure(err)) return;
  t.is(err.message, 'boom at 2');
  t.is(err.code, 'EBUSY');
  t.is(err.failedStep.index, 2);
  t.deepEqual(d.ops, ['link.create br0', 'link.create br1', 'link.delete br1', 'link.delete br0']);
  t.deepEqual(journal.events, ['begin 3', 'start 0 links/s/br0/link.create', 'done 0', 'start 1 links/s/br1/link.create', 'done 1', 'start 2 links/s/br2/link.create', 'failed 2 driver_failure', 'undo 1', 'undone 1', 'undo 0', 'undone 0', 'end rolled-back']);
});

test('an inverse that fails is reported beside the original error, and the other inverses still run', async (t) => {
  const d = recorder((op, n) => n === 2 || (op.type === 'link.delete' && op.link.name === 'br1'));
  const err = await t.throwsAsync(apply(p, { netlink: d }, { pipeline: false }));
  if (!isApplyFailure(err)) return t.fail('not an apply failure');
  t.is(err.message, 'boom at 2');
  t.deepEqual(err.rollbackFailures.map((f) => f.step.index), [1]);
  t.deepEqual(err.rolledBack.map((s) => s.index), [0]);
});

test('apply refuses a plan with conflicts before running anything', async (t) => {
  const d = recorder(() => false);
  const conflicted = plan(completeState({ links: { 's/eth9': { scope: 's', name: 'eth9', kind: 'device', mtu: 1500 } } }), completeState({}));
  const err = await t.throwsAsync(apply(conflicted, { netlink: d }));
  t.is((err as WirestateError).kind, 'conflict');
  t.deepEqual(d.ops, []);
});

test('an op whose driver is missing fails as not_supported and is rolled back like any failure', async (t) => {
  const err = await t.throwsAsync(apply(p, {}));
  t.is((err as WirestateError).kind, 'not_supported');
});

test('verification reports what is left when the system does not converge', async (t) => {
  const d = recorder(() => false);
  const res = await apply(p, { netlink: d }, { verify: { desired, snapshot: async () => completeState({}), retries: 1 } });
  t.false(res.verification?.converged);
  t.is(res.verification?.attempts, 2);
  t.is(res.verification?.remaining.length, 3);
});
