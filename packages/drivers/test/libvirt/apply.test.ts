/**
 * The engine over the real libvirt driver: a plan that defines and starts the seed
 * network, reserves the pod IP and attaches the VM interface converges (the second plan
 * is empty), and a fault injected at any of its steps rolls back to the exact pre-apply
 * libvirt snapshot, leaving the user's network and interfaces untouched.
 */
import test from 'ava';
import { apply, completeState, isApplyFailure, plan, WirestateError } from '@wirestate/core';
import type { Driver, Op, OpOutcome, State } from '@wirestate/core';
import { createLibvirtDriver } from '../../src/libvirt/index.ts';
import { startLibvirtd } from '../helpers/libvirtd.ts';
import { isRoot, makeNetns } from '../helpers/netns.ts';
import { defineUserObjects } from './plain.ts';
import { scopeFor, seedHost, seedIface, seedNetwork } from './seed.ts';

// Skipped unless root (ROOT_SKIP_REASON): namespaces, bind mounts and a real libvirtd.
const rootTest = isRoot ? test : test.skip;

/** Fails the `k`-th op the engine hands over (0-based), without running it; others run for real. */
function faulty(inner: ReturnType<typeof createLibvirtDriver>, k: number): Driver {
  let seen = 0;
  const fault = (op: Op): WirestateError => new WirestateError('driver_failure', `injected fault at op ${k} (${op.type})`);
  return {
    name: 'libvirt',
    snapshot: (s) => inner.snapshot(s),
    async execute(op) {
      if (seen++ === k) throw fault(op);
      await inner.execute(op);
    },
    async executeBatch(ops) {
      const marks = ops.map(() => seen++ === k);
      const results = await inner.executeBatch(ops.filter((_, i) => !marks[i]));
      let j = 0;
      return ops.map((op, i): OpOutcome => (marks[i] ? { ok: false, error: fault(op) } : (results[j++] as OpOutcome)));
    },
  };
}

rootTest('the seed plan converges, and a fault at any step rolls libvirt back to the exact prior state', async (t) => {
  const ns = makeNetns(t, 'lvapply');
  const lv = await startLibvirtd(t, ns);
  defineUserObjects(lv);
  const scope = scopeFor(ns, lv.uri);
  const driver = createLibvirtDriver({ scopes: [scope] });
  const snapshot = async (): Promise<State> => completeState(await driver.snapshot([scope]));

  const desired = completeState({
    networks: { 'pod/pod-eth42': { ...seedNetwork(), active: true } },
    dhcpHosts: { [`pod/pod-eth42/${seedHost().mac}`]: seedHost() },
    vmInterfaces: { [`pod/vm1/${seedIface().mac}`]: seedIface() },
  });
  const before = await snapshot();
  const p = plan(desired, before, { scopes: { pod: scope } });
  t.deepEqual(p.conflicts, []);
  t.true(p.steps.length >= 4, p.steps.map((s) => s.command).join('\n'));

  for (let k = 0; k < p.steps.length; k++) {
    const err = await t.throwsAsync(apply(p, { libvirt: faulty(driver, k) }));
    t.true(isApplyFailure(err), `fault at op ${k}`);
    if (isApplyFailure(err)) t.deepEqual(err.rollbackFailures, [], `rollback after fault at op ${k}`);
    t.deepEqual(await snapshot(), before, `state after fault at op ${k}`);
  }

  const result = await apply(p, { libvirt: driver }, { verify: { desired, snapshot } });
  t.true(result.verification?.converged);
  const after = await snapshot();
  t.deepEqual(plan(desired, after, { scopes: { pod: scope } }).steps, []);
  t.deepEqual(after.networks['pod/default'], before.networks['pod/default']);
  for (const [id, i] of Object.entries(before.vmInterfaces)) t.deepEqual(after.vmInterfaces[id], i);
});
