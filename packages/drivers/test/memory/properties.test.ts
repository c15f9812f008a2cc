/** Properties of plan + apply on the memory driver, over random live and desired states. */
import test from 'ava';
import fc from 'fast-check';
import { apply, descriptorOf, isApplyFailure, LiveIndex, plan, type Resource, type ResourceKind, type State } from '@wirestate/core';
import { createMemorySystem } from '@wirestate/drivers';
import { desiredState, liveState } from './arbitraries.ts';

const RUNS = Number(process.env.WIRESTATE_PROPERTY_RUNS ?? 500);

function has(state: State, kind: ResourceKind, id: string): Resource | undefined {
  return (state[kind] as Readonly<Record<string, Resource>>)[id];
}

test('applying the plan to the memory driver converges: the second plan is empty', async (t) => {
  await fc.assert(
    fc.asyncProperty(liveState, desiredState, async (live, desired) => {
      const p = plan(desired, live);
      fc.pre(p.conflicts.length === 0);
      const sys = createMemorySystem(live);
      await apply(p, sys.drivers);
      const again = plan(desired, sys.state);
      if (again.steps.length !== 0) throw new Error(`not converged: ${again.steps.map((s) => s.command).join('; ')}`);
    }),
    { numRuns: RUNS },
  );
  t.pass();
});

test('a fault at any step k rolls the memory system back to exactly the starting state', async (t) => {
  await fc.assert(
    fc.asyncProperty(liveState, desiredState, fc.nat(), async (live, desired, k) => {
      const p = plan(desired, live);
      fc.pre(p.conflicts.length === 0 && p.steps.length > 0);
      const at = k % p.steps.length;
      const sys = createMemorySystem(live, { faults: [{ atCall: at }] });
      const err = await apply(p, sys.drivers, { pipeline: false }).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (!isApplyFailure(err)) throw new Error(`expected an apply failure at step ${at}`);
      if (err.failedStep.index !== at) throw new Error(`failed at ${err.failedStep.index}, not ${at}`);
      if (err.rollbackFailures.length > 0) throw new Error(`rollback failed: ${err.rollbackFailures.map((f) => f.error.message).join('; ')}`);
      t.deepEqual(sys.state, live);
    }),
    { numRuns: RUNS },
  );
});

test('no step touches a resource that is neither declared nor owned, unless what it lives on is deleted', async (t) => {
  fc.assert(
    fc.property(liveState, desiredState, (live, desired) => {
      const p = plan(desired, live);
      const removed = new Set(p.changes.filter((c) => c.action !== 'create' && c.action !== 'update').map((c) => `${c.kind}:${c.id}`));
      for (const s of p.steps) {
        const declared = has(desired, s.kind, s.resourceId) !== undefined;
        const current = has(live, s.kind, s.resourceId);
        const owned = current?.owned === true;
        const d = descriptorOf(s.kind);
        const parents = current === undefined ? [] : ((d.deletedWith ?? d.parents) as (r: Resource, live: LiveIndex) => readonly string[])(current, new LiveIndex(live));
        const carried = parents.some((x) => removed.has(x) && (has(live, ...(x.split(/:(.*)/s) as [ResourceKind, string]))?.owned === true || has(desired, ...(x.split(/:(.*)/s) as [ResourceKind, string])) !== undefined));
        if (!declared && !owned && !carried) throw new Error(`step ${s.id} touches an unowned, undeclared ${s.kind}`);
      }
    }),
    { numRuns: RUNS },
  );
  t.pass();
});

test('plans are deterministic: the same inputs in any key order give the same plan', async (t) => {
  const shuffle = (s: State): State =>
    Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Object.fromEntries(Object.entries(v as object).reverse())])) as unknown as State;
  fc.assert(
    fc.property(liveState, desiredState, (live, desired) => {
      const a = JSON.stringify(plan(desired, live));
      const b = JSON.stringify(plan(shuffle(desired), shuffle(live)));
      if (a !== b) throw new Error('plans differ');
    }),
    { numRuns: RUNS },
  );
  t.pass();
});

test('every step of a plan comes after the steps it depends on', async (t) => {
  fc.assert(
    fc.property(liveState, desiredState, (live, desired) => {
      for (const s of plan(desired, live).steps) for (const a of s.after) if (a >= s.index) throw new Error(`${s.id} runs before ${a}`);
    }),
    { numRuns: RUNS },
  );
  t.pass();
});
