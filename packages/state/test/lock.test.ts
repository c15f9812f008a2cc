/** Scope locks across processes: contention names the holder, a dead holder's lock is free and noticed. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { WirestateError } from '@wirestate/core';
import { scopeLock, stateLayout, type LockHolder } from '../src/index.ts';

const HOLDER = join(import.meta.dirname, 'helpers', 'hold-lock.ts');

function holder(dir: string, scopes: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...process.execArgv, HOLDER, dir, ...scopes], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => b.toString().includes('held') && resolve(child));
    child.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
  });
}

function tempState(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'wirestate-lock-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a second process waits, then fails naming the holder pid and command', async (t) => {
  const dir = tempState(t);
  const child = await holder(dir, ['pod']);
  t.teardown(() => child.kill('SIGKILL'));
  const waits: (LockHolder | undefined)[] = [];
  const lock = scopeLock(stateLayout(dir), { timeoutMs: 300, command: 'apply', onWait: (_s, h) => waits.push(h) });
  const err = await t.throwsAsync(lock.acquire(['pod']));
  t.true(err instanceof WirestateError);
  t.is((err as WirestateError).kind, 'conflict');
  t.regex(err!.message, new RegExp(`^scope pod is locked by pid ${child.pid} \\(wirestate test-holder, since .*\\); giving up after waiting 0.3s$`));
  t.is(waits[0]?.pid, child.pid);
});

test('locks on other scopes do not contend', async (t) => {
  const dir = tempState(t);
  const child = await holder(dir, ['pod-a']);
  t.teardown(() => child.kill('SIGKILL'));
  const release = await scopeLock(stateLayout(dir), { timeoutMs: 0, command: 'apply' }).acquire(['pod-b']);
  await release();
  t.pass();
});

test('the lock of a process killed with SIGKILL is free at once and its takeover is reported', async (t) => {
  const dir = tempState(t);
  const child = await holder(dir, ['pod', 'node']);
  const dead = child.pid;
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGKILL');
  await exited;
  const takeovers: number[] = [];
  const release = await scopeLock(stateLayout(dir), { timeoutMs: 5000, command: 'apply', onTakeover: (_s, h) => takeovers.push(h.pid) }).acquire(['node', 'pod']);
  t.deepEqual(takeovers, [dead, dead]);
  await release();
});

test('a waiting process gets the lock once the holder releases it', async (t) => {
  const dir = tempState(t);
  const child = await holder(dir, ['pod']);
  const acquired = scopeLock(stateLayout(dir), { timeoutMs: 30_000, command: 'apply' }).acquire(['pod']);
  child.stdin!.end();
  const release = await acquired;
  await release();
  t.pass();
});

test('a free lock is taken without reporting a wait', async (t) => {
  const dir = tempState(t);
  const waits: string[] = [];
  const release = await scopeLock(stateLayout(dir), { timeoutMs: 5000, command: 'apply', onWait: (s) => waits.push(s) }).acquire(['pod', 'node']);
  await release();
  t.deepEqual(waits, []);
});
