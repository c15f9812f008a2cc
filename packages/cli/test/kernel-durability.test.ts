/**
 * The durable apply on the real kernel, in network namespaces the tests make and remove:
 * a crash matrix (SIGKILL at every step boundary and at seeded random journal records,
 * then `recover`), rollback after success, and two concurrent applies on one scope.
 * Decoys (an unowned bridge with an address and a route) must stay untouched.
 * Needs root for `ip netns`; skipped otherwise.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import fc from 'fast-check';
import { canonicalJson, canRetry, WirestateError, type Scope } from '@wirestate/core';
import { createNetlinkDriver } from '@wirestate/drivers';
import { listJournals, readJournal, scopeLock, stateLayout, viewOf } from '@wirestate/state';
import { ipIn, isRoot, makeNetns } from '../../drivers/test/helpers/netns.ts';
import { CLI_DIR } from './helpers/cli.ts';
import { runCli } from './helpers/durable.ts';

const rootTest = isRoot ? test : test.skip;
const rootSerial = isRoot ? test.serial : test.serial.skip;
// Without root every test here is skipped (ROOT_SKIP_REASON): they need network namespaces.

const TOPOLOGY = readFileSync(join(CLI_DIR, 'test', 'fixtures', 'durable', 'low-level.yaml'), 'utf8');
const STEPS = 7;
const RECORDS = 2 + 2 * STEPS + 2;

interface Kernel {
  readonly ns: string;
  readonly topology: string;
  readonly stateDir: string;
  run(args: readonly string[], env?: NodeJS.ProcessEnv): ReturnType<typeof runCli>;
  snapshot(): Promise<string>;
}

/** A namespace with decoys, a topology pointing at it, and a state dir. */
function kernel(t: ExecutionContext, tag: string): Kernel {
  const ns = makeNetns(t, tag);
  ipIn(ns, 'link', 'add', 'decoy0', 'type', 'bridge');
  ipIn(ns, 'link', 'set', 'decoy0', 'up');
  ipIn(ns, 'address', 'add', '10.50.0.1/24', 'dev', 'decoy0');
  ipIn(ns, 'route', 'add', '10.51.0.0/16', 'via', '10.50.0.254', 'dev', 'decoy0');
  const dir = mkdtempSync(join(tmpdir(), 'wirestate-kernel-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const topology = join(dir, 'topology.yaml');
  writeFileSync(topology, TOPOLOGY.replace('  pod: {}', `  pod:\n    netns: ${ns}`));
  const stateDir = join(dir, 'state');
  const scope: Scope = { name: 'pod', netns: ns };
  return {
    ns,
    topology,
    stateDir,
    run: (args, env = {}) => runCli(['--state-dir', stateDir, '--drivers', 'netlink', ...args], env),
    async snapshot() {
      // Retried like the CLI does: under load a netlink worker may die (a retryable driver_failure).
      for (let attempt = 1; ; attempt++) {
        const d = createNetlinkDriver({ scopes: [scope] });
        try {
          return canonicalJson(await d.snapshot([scope]));
        } catch (err) {
          if (attempt >= 3 || !(err instanceof WirestateError) || !canRetry(err.kind)) throw err;
        } finally {
          await d.close?.();
        }
      }
    },
  };
}

async function noLockLeft(stateDir: string): Promise<void> {
  const release = await scopeLock(stateLayout(stateDir), { timeoutMs: 0, command: 'test' }).acquire(['pod']);
  await release();
}

const kills: { name: string; env: Record<string, string> }[] = [];
for (let k = 1; k <= STEPS; k++) kills.push({ name: `after step ${k} is recorded done`, env: { WIRESTATE_TEST_KILL_AFTER_STEP: String(k) } });
for (let k = 1; k <= STEPS; k++) kills.push({ name: `after step ${k} ran, before its done record`, env: { WIRESTATE_TEST_KILL_BEFORE_DONE: String(k) } });
// 36 records, the same on every run (fast-check's seeded sampling).
for (const [n, at] of fc.sample(fc.noBias(fc.integer({ min: 1, max: RECORDS - 2 })), { seed: 0xc0ffee, numRuns: 36 }).entries()) {
  kills.push({ name: `at random record ${at} (run ${n})`, env: { WIRESTATE_TEST_KILL_AT_RECORD: String(at) } });
}

let killed = 0;
let leftovers = 0;
for (const [i, kill] of kills.entries()) {
  // Serial: results arrive steadily instead of all at the end of a long concurrent batch.
  rootSerial(`kernel: apply killed with SIGKILL ${kill.name}, then recover: the namespace is as before, decoys untouched, no lock left`, async (t) => {
    const k = kernel(t, `crash${i}`);
    const pre = await k.snapshot();
    const r = await k.run(['apply', '-f', k.topology], kill.env);
    t.is(r.signal, 'SIGKILL', r.stderr);
    killed++;
    const rec = await k.run(['recover']);
    t.is(rec.code, 0, rec.stderr);
    const after = await k.snapshot();
    if (after !== pre) leftovers++;
    t.deepEqual(JSON.parse(after), JSON.parse(pre));
    t.regex(ipIn(k.ns, '-br', 'address', 'show', 'dev', 'decoy0'), /10\.50\.0\.1\/24/);
    t.regex(ipIn(k.ns, 'route', 'show', '10.51.0.0/16'), /via 10\.50\.0\.254 dev decoy0/);
    await noLockLeft(k.stateDir);
    t.is((await k.run(['recover'])).stdout, 'Nothing to recover.\n');
  });
}

let faulted = 0;
for (let k = 0; k < STEPS; k++) {
  rootTest(`kernel: a failure injected at op ${k} rolls back to the namespace as before, settles the journal, and names the failed step`, async (t) => {
    const k8 = kernel(t, `fault${k}`);
    const pre = await k8.snapshot();
    const r = await k8.run(['apply', '-f', k8.topology], { WIRESTATE_TEST_FAULTS: JSON.stringify([{ atCall: k }]) });
    t.is(r.code, 1);
    t.regex(r.stderr, /^wirestate: step \d+ failed \(ip -n \S+ .*\): injected fault/);
    faulted++;
    t.deepEqual(JSON.parse(await k8.snapshot()), JSON.parse(pre));
    const views = listJournals(stateLayout(k8.stateDir)).map((j) => viewOf(j.file, readJournal(j.file)));
    t.is(views[0]!.status, 'settled');
  });
}

rootTest('kernel: snapshot --record writes the JSON state and the raw netlink dumps of the namespace', async (t) => {
  const k = kernel(t, 'record');
  const out = join(k.stateDir, '..', 'live.json');
  const rec = join(k.stateDir, '..', 'rec');
  const r = await k.run(['snapshot', '--netns', k.ns, '--record', rec, '-o', out]);
  t.is(r.code, 0, r.stderr);
  const live = JSON.parse(readFileSync(out, 'utf8')) as { links: Record<string, unknown> };
  t.truthy(live.links['default/decoy0']);
  t.truthy(readFileSync(join(rec, 'default', 'netlink', 'links.json'), 'utf8'));
  const show = await k.run(['show', '-f', k.topology]);
  t.is(show.code, 0, show.stderr);
  t.regex(show.stdout, /decoy0/);
});

rootTest('kernel: rollback after a successful apply restores the namespace exactly; a second rollback has nothing to undo', async (t) => {
  const k = kernel(t, 'rollback');
  const pre = await k.snapshot();
  const a = await k.run(['apply', '-f', k.topology]);
  t.is(a.code, 0, a.stderr);
  t.regex(ipIn(k.ns, '-br', 'link'), /br-a/);
  const rb = await k.run(['rollback']);
  t.is(rb.code, 0, rb.stderr);
  t.regex(rb.stdout, /Verified: a fresh snapshot equals the state before the apply\./);
  t.deepEqual(JSON.parse(await k.snapshot()), JSON.parse(pre));
  const again = await k.run(['rollback']);
  t.regex(again.stdout, /^Nothing to undo/);
});

rootTest('kernel: two concurrent applies on one scope are serialized, never interleaved (the journals show it)', async (t) => {
  const k = kernel(t, 'race');
  // A generous lock timeout: on a loaded machine the first apply may hold the scope for long.
  const [a, b] = await Promise.all([k.run(['--lock-timeout', '10m', 'apply', '-f', k.topology]), k.run(['--lock-timeout', '10m', 'apply', '-f', k.topology])]);
  t.is(a.code, 0, a.stderr);
  t.is(b.code, 0, b.stderr);
  const views = listJournals(stateLayout(k.stateDir)).map((j) => viewOf(j.file, readJournal(j.file)));
  t.is(views.length, 2);
  t.is(views[0]!.started.length, STEPS);
  t.is(views[1]!.started.length, 0);
  t.true(views[1]!.session.at >= views[0]!.finish!.at);
});

test.after(() => {
  if (isRoot) process.stdout.write(`kernel crash matrix: ${killed} kills, ${leftovers} left something behind; ${faulted} injected faults rolled back\n`);
});
