/**
 * Exhaustive matrices on the real kernel, in-process, over a generated low-level plan of
 * more than 100 steps in a namespace of its own: a fault injected at every op k, and a
 * crash simulated after every journal record (the journal hook throws, so the apply
 * stops there without rolling back — what SIGKILL leaves, minus the process exit),
 * each followed by recovery from the journal. After each, the namespace snapshot must
 * equal the one before the apply; decoys stay untouched. Needs root; skipped otherwise.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { apply, canonicalJson, canRetry, completeState, plan, WirestateError, type Link, type Plan, type Scope, type State } from '@wirestate/core';
import { createNetlinkDriver, FaultPlan, withFaults } from '../../src/index.ts';
import { createJournal, engineJournal, readJournal, reopenJournal, settleBack, stateLayout, viewOf, type JournalRecord } from '../../../state/src/index.ts';
import { disableIpv6, ipIn, isRoot, makeNetns } from '../helpers/netns.ts';

const rootSerial = isRoot ? test.serial : test.serial.skip;
// Without root every test here is skipped (ROOT_SKIP_REASON): they need network namespaces.

const BRIDGES = 26;
/** The crash matrix cuts after each of ~2 records per step: a smaller plan keeps it within minutes. */
const CRASH_BRIDGES = 10;

/** `bridges` bridges, each with a tap port, an address and a route via a gateway: 4 steps each. */
function desired(bridges = BRIDGES): State {
  const links: Record<string, Link> = {};
  const addresses: Record<string, unknown> = {};
  const routes: Record<string, unknown> = {};
  for (let i = 0; i < bridges; i++) {
    links[`pod/br${i}`] = { scope: 'pod', name: `br${i}`, kind: 'bridge', up: true };
    links[`pod/tap${i}`] = { scope: 'pod', name: `tap${i}`, kind: 'tap', master: `br${i}`, up: true };
    addresses[`pod/br${i}/10.${i}.0.1/24`] = { scope: 'pod', dev: `br${i}`, cidr: `10.${i}.0.1/24` };
    routes[`pod/10.${100 + i}.0.0/16/br${i}/0`] = { scope: 'pod', dst: `10.${100 + i}.0.0/16`, dev: `br${i}`, gateway: `10.${i}.0.254`, metric: 0 };
  }
  return completeState({ links, addresses, routes } as never);
}

interface Env {
  readonly scope: Scope;
  readonly driver: ReturnType<typeof createNetlinkDriver>;
  readonly dir: string;
  snapshot(): Promise<State>;
}

function env(t: ExecutionContext, tag: string): Env {
  const ns = makeNetns(t, tag);
  disableIpv6(ns);
  ipIn(ns, 'link', 'add', 'decoy0', 'type', 'bridge');
  ipIn(ns, 'address', 'add', '10.250.0.1/24', 'dev', 'decoy0');
  ipIn(ns, 'link', 'set', 'decoy0', 'up');
  ipIn(ns, 'route', 'add', '10.251.0.0/16', 'via', '10.250.0.254', 'dev', 'decoy0');
  const scope: Scope = { name: 'pod', netns: ns };
  const driver = createNetlinkDriver({ scopes: [scope] });
  t.teardown(() => driver.close?.());
  const dir = mkdtempSync(join(tmpdir(), 'wirestate-matrix-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // Reads retried on retryable failures (a netlink worker that died under load is replaced).
  const snapshot = async (): Promise<State> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return completeState(await driver.snapshot([scope]));
      } catch (err) {
        if (attempt >= 3 || !(err instanceof WirestateError) || !canRetry(err.kind)) throw err;
      }
    }
  };
  return { scope, driver, dir, snapshot };
}

function session(id: string, pre: State, scope: Scope): Parameters<typeof createJournal>[1] {
  return { t: 'session', version: 1, id, command: 'apply', scopes: [scope], writer: { pid: 0 }, at: '', pre };
}

class Crash extends Error {}

/** Records how many journal records a full apply writes. */
async function recordCount(e: Env, p: Plan, pre: State): Promise<number> {
  const w = createJournal(stateLayout(e.dir), session('count', pre, e.scope));
  await apply(p, { netlink: e.driver }, { journal: engineJournal(w), pipeline: false });
  const n = readJournal(w.file).length;
  w.close();
  // Undo it again through the journal, which is also a rollback-after-success check.
  const view = viewOf(w.file, readJournal(w.file), () => false);
  const again = reopenJournal(w.file);
  await settleBack(view, { netlink: e.driver }, again, e.snapshot, 'rolled-back');
  again.close();
  return n;
}

/** The fault matrix in chunks, so results arrive steadily (ava's timeout is per quiet period). */
const CHUNKS = 4;
const STEPS = BRIDGES * 4;
for (let c = 0; c < CHUNKS; c++) {
  const from = Math.floor((c * STEPS) / CHUNKS);
  const to = Math.floor(((c + 1) * STEPS) / CHUNKS);
  rootSerial(`kernel: a fault injected at each op ${from}..${to - 1} of a ${STEPS}-step plan rolls back to the namespace as before`, async (t) => {
    // Each run creates and removes up to 52 links: minutes in all, not a timing assertion.
    t.timeout(20 * 60_000);
    const e = env(t, `fmatrix${c}`);
    const pre = await e.snapshot();
    const p = plan(desired(), pre);
    t.is(p.steps.length, STEPS);
    let tried = 0;
    for (let k = from; k < to; k++) {
      const faults = new FaultPlan([{ atCall: k }]);
      const w = createJournal(stateLayout(e.dir), session(`fault-${k}`, pre, e.scope));
      await t.throwsAsync(apply(p, { netlink: withFaults(e.driver, faults) }, { journal: engineJournal(w), pipeline: k % 2 === 0 }));
      const view = viewOf(w.file, readJournal(w.file), () => false);
      const res = await settleBack(view, { netlink: e.driver }, w, e.snapshot, 'recovered-back');
      w.close();
      t.deepEqual(res.failures, [], `fault at ${k}`);
      t.is(canonicalJson(await e.snapshot()), canonicalJson(pre), `fault at ${k}`);
      tried++;
    }
    t.log(`${tried} faults injected`);
  });
}

rootSerial(`kernel: a crash after every journal record of a ${CRASH_BRIDGES * 4}-step plan is recovered to the namespace as before`, async (t) => {
  t.timeout(40 * 60_000);
  const e = env(t, 'cmatrix');
  const pre = await e.snapshot();
  const p = plan(desired(CRASH_BRIDGES), pre);
  const total = await recordCount(e, p, pre);
  t.is(canonicalJson(await e.snapshot()), canonicalJson(pre), 'rollback after success');
  let recovered = 0;
  // Cut after record k (1..total-2: the last two are end and finish, where the apply is complete).
  for (let k = 1; k <= total - 2; k++) {
    const w = createJournal(stateLayout(e.dir), session(`crash-${k}`, pre, e.scope), (_r: JournalRecord, index, when) => {
      if (when === 'after' && index === k) throw new Crash(`crash after record ${k}`);
    });
    await t.throwsAsync(apply(p, { netlink: e.driver }, { journal: engineJournal(w), pipeline: k % 2 === 1 }), { instanceOf: Crash });
    w.close();
    const view = viewOf(w.file, readJournal(w.file), () => false);
    t.is(view.status, 'interrupted');
    const again = reopenJournal(w.file);
    const res = await settleBack(view, { netlink: e.driver }, again, e.snapshot, 'recovered-back');
    again.close();
    t.deepEqual(res.failures, [], `crash after record ${k}`);
    t.is(canonicalJson(await e.snapshot()), canonicalJson(pre), `crash after record ${k}`);
    recovered++;
  }
  t.log(`${recovered} crash points recovered`);
});
