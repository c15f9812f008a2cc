/**
 * A lock per scope across processes, held by the kernel: a `flock(1)` child holds an
 * exclusive flock on `locks/<scope>.lock` for as long as its stdin stays open. Our end of
 * that pipe closes when this process exits for any reason (kill -9 included), so a dead
 * holder never leaves a lock behind; the `.holder` file beside it only names who holds it.
 *
 * Equivalent command: `flock -x -w <timeout> locks/<scope>.lock cat`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WirestateError, type Lock } from '@wirestate/core';
import { fileWord, makePrivateDir, type StateLayout } from './layout.ts';
import { isAlive, selfId, type ProcessId } from './process-id.ts';

/** Who holds a scope lock. */
export interface LockHolder extends ProcessId {
  readonly command: string;
  readonly since: string;
}

/** Options of `scopeLock`. */
export interface ScopeLockOptions {
  /** How long to wait for all scopes, in milliseconds; 0: fail at once if held. */
  readonly timeoutMs: number;
  /** What this process is doing, shown to whoever waits for it. */
  readonly command: string;
  /** Told once per scope when the lock is held by someone else and we wait. */
  readonly onWait?: (scope: string, holder: LockHolder | undefined) => void;
  /** Told when the holder file names a process that died without releasing (the kernel released it). */
  readonly onTakeover?: (scope: string, dead: LockHolder) => void;
}

const CONFLICT_EXIT = 75;

/** The lock file of a scope. */
export function lockFile(layout: StateLayout, scope: string): string {
  return join(layout.locksDir, `${fileWord(scope)}.lock`);
}

/** Reads the holder note of a lock file, if any. */
export function readHolder(file: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(`${file}.holder`, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

function describeHolder(h: LockHolder | undefined): string {
  return h === undefined ? 'another process' : `pid ${h.pid} (wirestate ${h.command}, since ${h.since})`;
}

/** Holds one flock; resolves once held, rejects with code EWOULDBLOCK when `timeoutMs` passes first (0: at once). */
function flockChild(file: string, timeoutMs: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const wait = timeoutMs <= 0 ? ['-n'] : ['-w', String(timeoutMs / 1000)];
    // Its own process group: a Ctrl-C meant for us must not release the lock while we
    // roll back; our death still does, through the pipe.
    const child = spawn('flock', ['-x', ...wait, '-E', String(CONFLICT_EXIT), file, 'sh', '-c', 'echo locked; exec cat >/dev/null'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    let held = false;
    let stderr = '';
    child.stdout!.on('data', (b: Buffer) => {
      if (!held && b.toString().includes('locked')) {
        held = true;
        resolve(child);
      }
    });
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', (err) => reject(new WirestateError('driver_failure', `locking ${file}: cannot run flock: ${err.message}`, { cause: err })));
    child.on('exit', (code) => {
      if (held) return;
      if (code === CONFLICT_EXIT) reject(new WirestateError('conflict', 'timeout', { code: 'EWOULDBLOCK' }));
      else reject(new WirestateError('driver_failure', `locking ${file}: flock exited ${code}: ${stderr.trim()}`));
    });
  });
}

const isBusy = (err: unknown) => err instanceof WirestateError && err.code === 'EWOULDBLOCK';

/** Tries at once; when the lock is held, says so and waits for the rest of the time. */
async function takeLock(file: string, timeoutMs: number, onBlocked: () => void): Promise<ChildProcess> {
  try {
    return await flockChild(file, 0);
  } catch (err) {
    if (!isBusy(err) || timeoutMs <= 0) throw err;
  }
  onBlocked();
  return flockChild(file, timeoutMs);
}

async function release(child: ChildProcess, file: string): Promise<void> {
  rmSync(`${file}.holder`, { force: true });
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.stdin!.end();
  });
}

/** A `Lock` over the state directory's lock files. */
export function scopeLock(layout: StateLayout, options: ScopeLockOptions): Lock {
  return {
    async acquire(scopes) {
      makePrivateDir(layout, layout.locksDir);
      const deadline = Date.now() + options.timeoutMs;
      const held: { child: ChildProcess; file: string }[] = [];
      const releaseAll = async () => {
        for (const h of held.reverse()) await release(h.child, h.file);
      };
      try {
        for (const scope of [...new Set(scopes)].sort()) {
          const file = lockFile(layout, scope);
          let child: ChildProcess;
          try {
            child = await takeLock(file, Math.max(0, deadline - Date.now()), () => options.onWait?.(scope, readHolder(file)));
          } catch (err) {
            if (isBusy(err)) {
              const waited = options.timeoutMs > 0 ? `after waiting ${options.timeoutMs / 1000}s` : 'and --lock-timeout is 0';
              throw new WirestateError('conflict', `scope ${scope} is locked by ${describeHolder(readHolder(file))}; giving up ${waited}`, { code: 'EWOULDBLOCK' });
            }
            throw err;
          }
          held.push({ child, file });
          const previous = readHolder(file);
          if (previous !== undefined && !isAlive(previous)) options.onTakeover?.(scope, previous);
          const me: LockHolder = { ...selfId(), command: options.command, since: new Date().toISOString() };
          writeFileSync(`${file}.holder.tmp`, `${JSON.stringify(me)}\n`, { mode: 0o600 });
          renameSync(`${file}.holder.tmp`, `${file}.holder`);
        }
      } catch (err) {
        await releaseAll();
        throw err;
      }
      return releaseAll;
    },
  };
}
