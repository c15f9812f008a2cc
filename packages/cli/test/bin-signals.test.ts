/**
 * Signals sent to the pid of the `wirestate` bin, as `kill -TERM <pid>` or a supervisor
 * would send them, reach the CLI itself: an apply paused after its third step (a test
 * hook, so the signal lands at a known point, not after a delay) stops and rolls back on
 * SIGTERM, SIGINT or SIGHUP (a closed terminal or ssh session) and exits 1.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import type { State } from '@wirestate/core';
import { CLI_DIR } from './helpers/cli.ts';
import { canon, workspace, type Workspace } from './helpers/durable.ts';

const TOPOLOGY = join(CLI_DIR, 'test', 'fixtures', 'durable', 'low-level.yaml');
const DECOYS = JSON.parse(readFileSync(join(CLI_DIR, 'test', 'fixtures', 'durable', 'decoys.json'), 'utf8')) as Partial<State>;

/** Runs `apply` on `ws`, sends `signal` to the bin's pid once the apply is paused after step 3, then lets it go on. */
function applySignalledAfterStep3(ws: Workspace, signal: NodeJS.Signals) {
  const resume = join(ws.dir, 'resume');
  let signalled = false;
  const onStart = (child: ChildProcess): void => {
    let seen = '';
    child.stderr!.on('data', (b: Buffer) => {
      seen += b.toString();
      if (signalled || !seen.includes('wirestate-test: paused\n')) return;
      signalled = true;
      process.kill(child.pid!, signal);
      writeFileSync(resume, '');
    });
  };
  const env = { WIRESTATE_TEST_PAUSE_AFTER_STEP: '3', WIRESTATE_TEST_RESUME_FILE: resume };
  return ws.run(['apply', '-f', TOPOLOGY], env, onStart).then((r) => ({ ...r, signalled }));
}

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  test(`${signal} to the bin's pid during an apply makes the CLI stop after the running step, roll back and exit 1`, async (t) => {
    const ws = workspace(t, DECOYS);
    const pre = canon(ws.system());
    const r = await applySignalledAfterStep3(ws, signal);
    t.true(r.signalled, r.stderr);
    t.is(r.signal, null, r.stderr);
    t.is(r.code, 1, r.stderr);
    // After a hangup the CLI writes nothing to the (gone) terminal; the others are told.
    if (signal !== 'SIGHUP') t.regex(r.stderr, new RegExp(`${signal}: stopping after the running step, then rolling back`));
    t.regex(r.stderr, new RegExp(`interrupted by ${signal}`));
    t.deepEqual(canon(ws.system()), pre, 'rolled back');
    t.is(ws.sessions()[0]!.status, 'settled');
  });
}

