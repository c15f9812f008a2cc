/** Journal files: written records read back in order, torn tails, corruption, and session status. */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { emptyState, plan, type Plan } from '@wirestate/core';
import { createJournal, engineJournal, newSessionId, pruneJournals, readJournal, reopenJournal, stateLayout, viewOf, type SessionRecord } from '../src/index.ts';

function layoutFor(t: ExecutionContext) {
  const dir = mkdtempSync(join(tmpdir(), 'wirestate-journal-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return stateLayout(dir);
}

function session(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    t: 'session',
    version: 1,
    id: newSessionId(),
    command: 'apply',
    scopes: [{ name: 'pod', netns: 'pod1' }],
    writer: { pid: 999_999_999 },
    at: new Date(0).toISOString(),
    pre: emptyState(),
    ...overrides,
  };
}

const BRIDGE_PLAN: Plan = plan(
  { ...emptyState(), links: { 'pod/br0': { scope: 'pod', name: 'br0', kind: 'bridge', up: true } } } as never,
  emptyState(),
);

test('records written through the engine hooks read back in order and the session is applied', async (t) => {
  const layout = layoutFor(t);
  const w = createJournal(layout, session());
  const j = engineJournal(w);
  await j.begin(BRIDGE_PLAN);
  await j.stepStarted(BRIDGE_PLAN.steps[0]!);
  await j.stepDone(BRIDGE_PLAN.steps[0]!);
  await j.end('applied');
  w.append({ t: 'finish', outcome: 'applied', at: new Date(0).toISOString() });
  w.close();
  const records = readJournal(w.file);
  t.deepEqual(
    records.map((r) => r.t),
    ['session', 'begin', 'start', 'done', 'end', 'finish'],
  );
  const v = viewOf(w.file, records, () => false);
  t.is(v.status, 'applied');
  t.is(v.started.length, 1);
  t.true(v.started[0]!.done);
});

test('a journal without a finish is running while its writer lives and interrupted once it is dead', async (t) => {
  const layout = layoutFor(t);
  const w = createJournal(layout, session());
  await engineJournal(w).begin(BRIDGE_PLAN);
  w.close();
  t.is(viewOf(w.file, readJournal(w.file), () => true).status, 'running');
  t.is(viewOf(w.file, readJournal(w.file), () => false).status, 'interrupted');
});

test('resolving a session by appending to the reopened file settles it; recovered-forward stays undoable', async (t) => {
  const layout = layoutFor(t);
  const w = createJournal(layout, session());
  const j = engineJournal(w);
  await j.begin(BRIDGE_PLAN);
  await j.stepStarted(BRIDGE_PLAN.steps[0]!);
  w.close();
  const again = reopenJournal(w.file);
  t.is(again.count, 3);
  again.append({ t: 'resolved', how: 'recovered-forward', at: '', by: { pid: 1 } });
  t.is(viewOf(w.file, readJournal(w.file), () => false).status, 'applied');
  again.append({ t: 'resolved', how: 'rolled-back', at: '', by: { pid: 1 } });
  again.close();
  t.is(viewOf(w.file, readJournal(w.file), () => false).status, 'settled');
});

test('a last line cut short by a crash is dropped; the records before it stand', (t) => {
  const layout = layoutFor(t);
  const w = createJournal(layout, session());
  w.append({ t: 'note', text: 'x', at: '' });
  w.close();
  appendFileSync(w.file, '{"t":"start","p":0,');
  t.deepEqual(
    readJournal(w.file).map((r) => r.t),
    ['session', 'note'],
  );
});

test('an unreadable line in the middle is reported as corruption with its line number', (t) => {
  const layout = layoutFor(t);
  const w = createJournal(layout, session());
  w.close();
  writeFileSync(w.file, `${readFileSync(w.file, 'utf8')}garbage\n{"t":"note","text":"","at":""}\n`);
  const err = t.throws(() => readJournal(w.file));
  t.regex(err.message, /corrupt at line 2/);
});

test('a second session with the same id is refused instead of overwriting the first', (t) => {
  const layout = layoutFor(t);
  const s = session();
  createJournal(layout, s).close();
  const err = t.throws(() => createJournal(layout, s));
  t.is((err as NodeJS.ErrnoException).code, 'EEXIST');
});

test('a failed step is not outstanding: its op changed nothing, undoing it could remove what it collided with', async (t) => {
  const layout = layoutFor(t);
  const w = createJournal(layout, session());
  const j = engineJournal(w);
  await j.begin(BRIDGE_PLAN);
  await j.stepStarted(BRIDGE_PLAN.steps[0]!);
  w.append({ t: 'failed', p: 0, i: 0, error: { kind: 'conflict', code: 'EEXIST', message: 'exists' } });
  await j.end('rolled-back');
  w.append({ t: 'finish', outcome: 'rolled-back', at: '' });
  w.close();
  t.is(viewOf(w.file, readJournal(w.file), () => false).status, 'settled');
});

test('pruning removes settled journals and empty applies beyond the newest of a scope set, keeping undoable applies', async (t) => {
  const layout = layoutFor(t);
  const files: string[] = [];
  for (let i = 0; i < 5; i++) {
    const w = createJournal(layout, session({ id: newSessionId(1000 + i) }));
    if (i === 1) {
      const j = engineJournal(w);
      await j.begin(BRIDGE_PLAN);
      await j.stepStarted(BRIDGE_PLAN.steps[0]!);
      await j.stepDone(BRIDGE_PLAN.steps[0]!);
    }
    w.append({ t: 'finish', outcome: i === 1 ? 'applied' : 'rolled-back', at: '' });
    w.close();
    files.push(w.file);
  }
  const removed = pruneJournals(layout, 2);
  t.deepEqual(removed, [files[0], files[2]]);
});
