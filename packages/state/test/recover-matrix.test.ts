/**
 * Recovery on the memory driver with the journal cut at every record boundary: a crash
 * after record k leaves the first k records on disk and the system as it was anywhere
 * between record k and record k+1 (the op of a step may have run without its done
 * record). Recovering from there must give back the state before the apply, and a
 * second recovery must find nothing to do. Also a fault at every step, then undo.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { apply, canonicalJson, expand, gatherFacts, parseTopology, plan, snapshotAll, type Plan, type State } from '@wirestate/core';
import { createMemorySystem } from '@wirestate/drivers';
import { scenarios } from '../../fixtures/src/index.ts';
import {
  createJournal,
  engineJournal,
  outstanding,
  readJournal,
  reopenJournal,
  settleBack,
  stateLayout,
  viewOf,
  type JournalRecord,
} from '../src/index.ts';

interface Case {
  readonly name: string;
  readonly live: State;
  readonly plan: Plan;
}

function cases(): Case[] {
  return scenarios()
    .map((s) => {
      const topology = parseTopology(s.topologyText, s.topologyFile);
      const { facts } = gatherFacts(topology, s.live, s.facts);
      const scopes = Object.fromEntries(Object.entries(topology.scopes).map(([name, sc]) => [name, { name, ...sc }]));
      return { name: s.name, live: s.live, plan: plan(expand(topology, facts).desired, s.live, { scopes }) };
    })
    .filter((c) => c.plan.steps.length > 0 && c.plan.conflicts.length === 0);
}

const dir = mkdtempSync(join(tmpdir(), 'wirestate-recover-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));
const layout = stateLayout(dir);

/** Runs the apply once, recording the records and the system state at both sides of every record. */
async function record(c: Case, pipeline: boolean): Promise<{ records: JournalRecord[]; before: State[]; after: State[] }> {
  const system = createMemorySystem(c.live);
  const before: State[] = [];
  const after: State[] = [];
  const w = createJournal(
    layout,
    { t: 'session', version: 1, id: `${c.name}-${pipeline}-${Date.now()}`, command: 'apply', scopes: [], writer: { pid: 0 }, at: '', pre: c.live },
    (_r, i, when) => ((when === 'before' ? before : after)[i] = system.state),
  );
  await apply(c.plan, system.drivers, { journal: engineJournal(w), pipeline });
  w.append({ t: 'finish', outcome: 'applied', at: '' });
  w.close();
  return { records: readJournal(w.file), before, after };
}

let cuts = 0;
let faults = 0;
for (const c of cases()) {
  for (const pipeline of [false, true]) {
    test(`${c.name}${pipeline ? ' (pipelined waves)' : ''}: recovery from a crash after any record restores the state before the apply`, async (t) => {
      const { records, before, after } = await record(c, pipeline);
      // The finish record marks the apply done; cutting after it is a rollback, tested elsewhere.
      const last = records.length - 1;
      for (let k = 1; k <= last; k++) {
        // Crash after record k-1 is on disk: the system is anywhere from after[k-1] to before[k].
        for (const [where, state] of [
          ['right after record', after[k - 1]!],
          ['just before the next record', before[k]!],
        ] as const) {
          const file = join(dir, `${c.name}-${pipeline}-${k}-${where.length}.jsonl`);
          writeFileSync(file, records.slice(0, k).map((r) => `${JSON.stringify(r)}\n`).join(''));
          const system = createMemorySystem(state);
          const view = viewOf(file, readJournal(file), () => false);
          t.is(view.status, 'interrupted', `cut at ${k}`);
          const w = reopenJournal(file);
          const res = await settleBack(view, system.drivers, w, () => snapshotAll(system.drivers, []), 'recovered-back');
          w.close();
          t.deepEqual(res.failures, [], `cut at ${k} ${where}`);
          t.is(canonicalJson(system.state), canonicalJson(c.live), `cut at ${k} ${where}: state differs from before the apply`);
          t.deepEqual(res.differences, []);
          const again = viewOf(file, readJournal(file), () => false);
          t.is(again.status, 'settled');
          t.deepEqual(outstanding(again), [], 'a second recovery finds nothing to undo');
          cuts++;
        }
      }
    });
  }
}

for (const c of cases()) {
  test(`${c.name}: a fault at every step k rolls back, and undoing the journal afterwards changes nothing more`, async (t) => {
    for (let k = 0; k < c.plan.steps.length; k++) {
      const system = createMemorySystem(c.live, { faults: [{ atCall: k }] });
      const w = createJournal(layout, { t: 'session', version: 1, id: `${c.name}-fault-${k}-${Date.now()}`, command: 'apply', scopes: [], writer: { pid: 0 }, at: '', pre: c.live });
      await t.throwsAsync(apply(c.plan, system.drivers, { journal: engineJournal(w), pipeline: false }));
      const view = viewOf(w.file, readJournal(w.file), () => false);
      const res = await settleBack(view, system.drivers, w, () => snapshotAll(system.drivers, []), 'recovered-back');
      w.close();
      t.deepEqual(res.undone, [], `fault at ${k}: the engine's own rollback left nothing`);
      t.is(canonicalJson(system.state), canonicalJson(c.live), `fault at ${k}`);
      faults++;
    }
  });
}

test.after(() => {
  process.stdout.write(`recover matrix: ${cuts} crash points recovered, ${faults} step faults rolled back (memory driver)\n`);
});
