/**
 * Crash points for tests, read from the environment and nothing else: the process kills
 * itself with SIGKILL at an exact journal position, which a timer cannot hit reliably.
 * - `WIRESTATE_TEST_KILL_AFTER_STEP=k`: after the k-th step-done record (1-based) is on disk;
 * - `WIRESTATE_TEST_KILL_BEFORE_DONE=k`: after the k-th step ran but before its done record;
 * - `WIRESTATE_TEST_KILL_AT_RECORD=n`: after record n (0-based, the session record is 0);
 * - `WIRESTATE_TEST_KILL_AFTER_TIMER=1`: right after the confirm timer is started;
 * - `WIRESTATE_TEST_SIGTERM_AFTER_STEP=k`: sends itself SIGTERM (not KILL) after the k-th done record;
 * - `WIRESTATE_TEST_PAUSE_AFTER_STEP=k`: after the k-th done record, says `wirestate-test: paused` on
 *   stderr and waits until the file `WIRESTATE_TEST_RESUME_FILE` exists, so a test can signal the
 *   process from outside at a known point (signals that arrive meanwhile are handled after it).
 */
import { existsSync, writeSync } from 'node:fs';
import type { RecordHook } from '@wirestate/state';

function die(): never {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
}

/** Blocks (the event loop too, as a slow step would) until `file` exists; gives up after two minutes. */
function pauseUntil(file: string | undefined): void {
  writeSync(2, 'wirestate-test: paused\n');
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const end = Date.now() + 120_000;
  while (file !== undefined && !existsSync(file) && Date.now() < end) Atomics.wait(cell, 0, 0, 20);
}

function intOf(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
}

/** The journal hook for the kill points set in `env`, if any. */
export function killHook(env: NodeJS.ProcessEnv = process.env): RecordHook | undefined {
  const afterStep = intOf(env.WIRESTATE_TEST_KILL_AFTER_STEP);
  const beforeDone = intOf(env.WIRESTATE_TEST_KILL_BEFORE_DONE);
  const atRecord = intOf(env.WIRESTATE_TEST_KILL_AT_RECORD);
  const termAfter = intOf(env.WIRESTATE_TEST_SIGTERM_AFTER_STEP);
  const pauseAfter = intOf(env.WIRESTATE_TEST_PAUSE_AFTER_STEP);
  if ([afterStep, beforeDone, atRecord, termAfter, pauseAfter].every((v) => v === undefined)) return undefined;
  let done = 0;
  return (record, index, when) => {
    if (record.t === 'done' && when === 'before' && done + 1 === beforeDone) die();
    if (record.t === 'done' && when === 'after') {
      done++;
      if (done === afterStep) die();
      if (done === termAfter) process.kill(process.pid, 'SIGTERM');
      if (done === pauseAfter) pauseUntil(env.WIRESTATE_TEST_RESUME_FILE);
    }
    if (when === 'after' && index === atRecord) die();
  };
}

/** Kills the process after the confirm timer started, when asked. */
export function killAfterTimer(env: NodeJS.ProcessEnv = process.env): void {
  if (env.WIRESTATE_TEST_KILL_AFTER_TIMER === '1') die();
}
