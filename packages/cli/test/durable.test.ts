/**
 * The durable apply through the real binary entry over a file-backed test system (the
 * memory driver's semantics, state kept in a file), so kills, locks and timers between
 * processes are exercised without root. The real-kernel versions are in kernel-durability.test.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import fc from 'fast-check';
import type { State } from '@wirestate/core';
import { isAlive, readJournal, scopeLock, stateLayout } from '@wirestate/state';
import { canon, eventually, workspace, type Workspace } from './helpers/durable.ts';
import { CLI_DIR } from './helpers/cli.ts';

const TOPOLOGY = join(CLI_DIR, 'test', 'fixtures', 'durable', 'low-level.yaml');
const DECOYS = JSON.parse(readFileSync(join(CLI_DIR, 'test', 'fixtures', 'durable', 'decoys.json'), 'utf8')) as Partial<State>;
const STEPS = 7;
/** Records of a full apply of the topology: session, begin, 7 × (start, done), end, finish. */
const RECORDS = 2 + 2 * STEPS + 2;

/** After a crash: commands refuse, `recover` restores the state before, a second recover has nothing to do, no lock is left. */
async function recoverAndCheck(t: ExecutionContext, ws: Workspace, pre: unknown, label: string): Promise<void> {
  const rec = await ws.run(['recover']);
  t.is(rec.code, 0, `${label}: ${rec.stderr}`);
  t.deepEqual(canon(ws.system()), pre, `${label}: the system is not as before the apply`);
  const again = await ws.run(['recover']);
  t.is(again.stdout, 'Nothing to recover.\n', label);
  t.true(ws.sessions().every((s) => s.status === 'settled'), label);
  // No lock left: taking it without waiting succeeds.
  const release = await scopeLock(stateLayout(ws.stateDir), { timeoutMs: 0, command: 'test' }).acquire(['pod']);
  await release();
}

const killPoints: { name: string; env: Record<string, string> }[] = [];
for (let k = 1; k <= STEPS; k++) killPoints.push({ name: `after step ${k} is recorded done`, env: { WIRESTATE_TEST_KILL_AFTER_STEP: String(k) } });
for (let k = 1; k <= STEPS; k++) killPoints.push({ name: `after step ${k} ran, before its done record`, env: { WIRESTATE_TEST_KILL_BEFORE_DONE: String(k) } });
// Eight distinct records, the same on every run (fast-check's seeded sampling).
const randomRecords = fc.sample(fc.noBias(fc.uniqueArray(fc.integer({ min: 1, max: RECORDS - 2 }), { minLength: 8, maxLength: 8 })), { seed: 0x5eed, numRuns: 1 })[0]!;
for (const at of [...randomRecords].sort((a, b) => a - b)) {
  killPoints.push({ name: `at random record ${at}`, env: { WIRESTATE_TEST_KILL_AT_RECORD: String(at) } });
}

for (const point of killPoints) {
  // Serial: results arrive steadily instead of all at the end of a long concurrent batch.
  test.serial(`apply killed with SIGKILL ${point.name}: commands refuse until recover, which restores the state before it`, async (t) => {
    const ws = workspace(t, DECOYS);
    const pre = canon(ws.system());
    const r = await ws.run(['apply', '-f', TOPOLOGY], point.env);
    t.is(r.signal, 'SIGKILL', r.stderr);
    const refused = await ws.run(['apply', '-f', TOPOLOGY]);
    t.is(refused.code, 1);
    t.regex(refused.stderr, /refusing to start: apply \S+ over scope\(s\) pod was interrupted .*run `wirestate recover`/);
    const plan = await ws.run(['plan', '-f', TOPOLOGY]);
    t.is(plan.code, 1);
    t.regex(plan.stderr, /wirestate recover/);
    await recoverAndCheck(t, ws, pre, point.name);
  });
}

test('recover --forward after a kill completes the apply; rollback then restores the state before it', async (t) => {
  const ws = workspace(t, DECOYS);
  const pre = canon(ws.system());
  const r = await ws.run(['apply', '-f', TOPOLOGY], { WIRESTATE_TEST_KILL_BEFORE_DONE: '4' });
  t.is(r.signal, 'SIGKILL');
  const fwd = await ws.run(['recover', '--forward']);
  t.is(fwd.code, 0, fwd.stderr);
  t.regex(fwd.stdout, /forward: applied and converged/);
  const plan = await ws.run(['plan', '-f', TOPOLOGY, '--detailed-exitcode']);
  t.is(plan.code, 0, 'nothing left to do after the forward recovery');
  const rb = await ws.run(['rollback']);
  t.is(rb.code, 0, rb.stderr);
  t.deepEqual(canon(ws.system()), pre);
});

test('rollback after a successful apply restores the state before it; a second rollback has nothing to undo', async (t) => {
  const ws = workspace(t, DECOYS);
  const pre = canon(ws.system());
  const a = await ws.run(['apply', '-f', TOPOLOGY]);
  t.is(a.code, 0, a.stderr);
  t.regex(a.stdout, /7 steps of 7 completed\.\n\nConverged/);
  t.notDeepEqual(canon(ws.system()), pre);
  const noop = await ws.run(['apply', '-f', TOPOLOGY]);
  t.is(noop.code, 0, 'a converged re-apply changes nothing');
  const rb = await ws.run(['rollback']);
  t.is(rb.code, 0, rb.stderr);
  t.regex(rb.stdout, /undid 7 step\(s\)/);
  t.regex(rb.stdout, /Verified: a fresh snapshot equals the state before the apply\./);
  t.deepEqual(canon(ws.system()), pre);
  const again = await ws.run(['rollback']);
  t.is(again.code, 0);
  t.regex(again.stdout, /^Nothing to undo: the last apply \(\S+\) is already rolled-back\.\n$/);
});

test('a failing step rolls back, prints the original error, leaves the state as before and the next apply may run', async (t) => {
  const ws = workspace(t, DECOYS);
  const pre = canon(ws.system());
  const r = await ws.run(['apply', '-f', TOPOLOGY], { WIRESTATE_TEST_FAULTS: JSON.stringify([{ atCall: 4, code: 'EBUSY' }]) });
  t.is(r.code, 1);
  t.regex(r.stderr, /^wirestate: step \d+ failed \(.*\): injected fault .*EBUSY \[conflict\]\n {2}rolled back 4 completed step\(s\)\n$/);
  t.deepEqual(canon(ws.system()), pre);
  t.is(ws.sessions()[0]!.status, 'settled');
  const next = await ws.run(['apply', '-f', TOPOLOGY]);
  t.is(next.code, 0, next.stderr);
});

test('a saved plan applies while the live state is unchanged and is refused, naming the changed kinds, once it moved', async (t) => {
  const ws = workspace(t, DECOYS);
  const planFile = join(ws.dir, 'plan.json');
  const p = await ws.run(['plan', '-f', TOPOLOGY, '-o', planFile]);
  t.is(p.code, 0, p.stderr);
  const saved = JSON.parse(readFileSync(planFile, 'utf8')) as { plan: { basis: string } };
  t.regex(saved.plan.basis, /^links=[0-9a-f]{8},addresses=[0-9a-f]{8},routes=/);
  // Someone adds a link and an address after the plan was made.
  const moved = ws.system() as unknown as { links: Record<string, unknown>; addresses: Record<string, unknown> };
  const original = readFileSync(ws.systemFile, 'utf8');
  moved.links['pod/dummy9'] = { scope: 'pod', name: 'dummy9', kind: 'device', mac: '0a:58:0a:f4:00:0b', mtu: 1500, up: false, owned: false };
  moved.addresses['pod/eth0/10.244.0.10/24'] = { scope: 'pod', dev: 'eth0', cidr: '10.244.0.10/24', owned: false };
  writeFileSync(ws.systemFile, JSON.stringify(moved));
  const stale = await ws.run(['apply', planFile]);
  t.is(stale.code, 1);
  t.regex(stale.stderr, /^wirestate: plan \S+ is stale: the live state changed since it was made \(addresses, links\); run `wirestate plan -o` again\n$/);
  t.is(ws.sessions().length, 0, 'a refused plan starts no session');
  writeFileSync(ws.systemFile, original);
  const ok = await ws.run(['apply', '--plan', planFile]);
  t.is(ok.code, 0, ok.stderr);
  t.regex(ok.stdout, /Converged/);
});

test('two concurrent applies on one scope are serialized: the journals do not overlap in time', async (t) => {
  const ws = workspace(t, DECOYS);
  const [a, b] = await Promise.all([ws.run(['apply', '-f', TOPOLOGY]), ws.run(['apply', '-f', TOPOLOGY])]);
  t.is(a.code, 0, a.stderr);
  t.is(b.code, 0, b.stderr);
  const sessions = ws.sessions();
  t.is(sessions.length, 2);
  const [first, second] = sessions as [(typeof sessions)[0], (typeof sessions)[0]];
  t.is(first.started.length, STEPS, 'the first did the work');
  t.is(second.started.length, 0, 'the second found it done');
  t.true(second.session.at >= first.finish!.at, 'the second began after the first finished');
});

test('an apply waiting for a held scope gives up after --lock-timeout, naming the holder pid', async (t) => {
  const ws = workspace(t, DECOYS);
  const release = await scopeLock(stateLayout(ws.stateDir), { timeoutMs: 0, command: 'apply' }).acquire(['pod']);
  t.teardown(release);
  const r = await ws.run(['--lock-timeout', '500ms', 'apply', '-f', TOPOLOGY]);
  t.is(r.code, 1);
  t.regex(r.stderr, new RegExp(`scope pod is locked by pid ${process.pid} \\(wirestate apply, since [^)]+\\); giving up after waiting 0.5s`));
  t.is(ws.sessions().length, 0);
});

test('confirm-or-revert: unconfirmed, the detached timer reverts even though the apply process was killed', async (t) => {
  const ws = workspace(t, DECOYS);
  const pre = canon(ws.system());
  const r = await ws.run(['apply', '-f', TOPOLOGY, '--confirm-within', '2s'], { WIRESTATE_TEST_KILL_AFTER_TIMER: '1' });
  t.is(r.signal, 'SIGKILL');
  const reverted = await eventually(() => ws.sessions()[0]?.resolved?.how === 'reverted');
  t.true(reverted, 'the timer reverted the apply');
  t.deepEqual(canon(ws.system()), pre);
  const c = await ws.run(['confirm']);
  t.is(c.code, 1);
  t.regex(c.stderr, /too late: apply \S+ was reverted at /);
});

test('confirm-or-revert: confirmed in time, the change is kept and the timer is stopped', async (t) => {
  const ws = workspace(t, DECOYS);
  const r = await ws.run(['apply', '-f', TOPOLOGY, '--confirm-within', '5m']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /Run `wirestate confirm` before \S+ to keep this change/);
  const blocked = await ws.run(['apply', '-f', TOPOLOGY]);
  t.regex(blocked.stderr, /awaits confirmation until/);
  const timer = ws.sessions()[0]!.confirmPending!.timer!;
  t.true(isAlive(timer));
  const after = canon(ws.system());
  const c = await ws.run(['confirm']);
  t.is(c.code, 0, c.stderr);
  t.true(await eventually(() => !isAlive(timer)), 'the timer is gone');
  t.is(ws.sessions()[0]!.status, 'applied');
  t.deepEqual(canon(ws.system()), after);
});

test('confirm-or-revert: when the timer itself died, recover reverts once the deadline has passed', async (t) => {
  const ws = workspace(t, DECOYS);
  const pre = canon(ws.system());
  const r = await ws.run(['apply', '-f', TOPOLOGY, '--confirm-within', '1s']);
  t.is(r.code, 0, r.stderr);
  const timer = ws.sessions()[0]!.confirmPending!.timer!;
  process.kill(timer.pid, 'SIGKILL');
  t.true(await eventually(() => !isAlive(timer)));
  const deadline = new Date(ws.sessions()[0]!.confirmPending!.deadline).getTime();
  await eventually(() => Date.now() > deadline + 100);
  const rec = await ws.run(['recover']);
  t.is(rec.code, 0, rec.stderr);
  t.regex(rec.stdout, /Reverted apply \S+ .*unconfirmed past .* and its timer is dead/);
  t.deepEqual(canon(ws.system()), pre);
  const journal = readJournal(ws.sessions()[0]!.file);
  t.is(journal.at(-1)!.t, 'resolved');
});

test('SIGTERM during an apply stops it after the running step and rolls back; the journal is settled', async (t) => {
  const ws = workspace(t, DECOYS);
  const pre = canon(ws.system());
  const r = await ws.run(['apply', '-f', TOPOLOGY], { WIRESTATE_TEST_SIGTERM_AFTER_STEP: '3' });
  t.is(r.code, 1, r.stderr);
  t.regex(r.stderr, /SIGTERM: stopping after the running step, then rolling back/);
  t.regex(r.stderr, /interrupted by SIGTERM/);
  t.deepEqual(canon(ws.system()), pre);
  t.is(ws.sessions()[0]!.status, 'settled');
  t.is((await ws.run(['recover'])).stdout, 'Nothing to recover.\n');
});

test('recover with nothing pending says so and exits 0', async (t) => {
  const ws = workspace(t, DECOYS);
  const r = await ws.run(['recover']);
  t.is(r.code, 0);
  t.is(r.stdout, 'Nothing to recover.\n');
});
