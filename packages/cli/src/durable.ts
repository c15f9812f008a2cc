/** The durable side of commands that change the system: locks with messages, sessions, the confirm timer. */
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WirestateError, type Journal, type Scope, type State } from '@wirestate/core';
import {
  createJournal,
  JOURNAL_VERSION,
  makePrivateDir,
  newSessionId,
  processStart,
  readJournal,
  scopeLock,
  selfId,
  viewOf,
  type JournalWriter,
  type ProcessId,
  type SessionRecord,
  type SessionView,
} from '@wirestate/state';
import type { Context } from './context.ts';
import type { Globals } from './globals.ts';
import { killHook } from './test-hooks.ts';

/** Locks the scopes, telling stderr whom it waits for and whose dead lock it takes over. */
export async function lockScopes(ctx: Context, globals: Globals, scopes: readonly string[], command: string): Promise<() => Promise<void>> {
  const lock = scopeLock(globals.layout, {
    timeoutMs: globals.lockTimeoutMs,
    command,
    onWait: (scope, holder) =>
      ctx.io.err(`wirestate: scope ${scope} is held by ${holder === undefined ? 'another process' : `pid ${holder.pid} (wirestate ${holder.command})`}; waiting up to ${globals.lockTimeoutMs / 1000}s\n`),
    onTakeover: (scope, dead) => ctx.io.err(`wirestate: scope ${scope}: the lock of pid ${dead.pid} (wirestate ${dead.command}), which died, was released by the kernel; taking it over\n`),
  });
  return lock.acquire(scopes);
}

/** Runs `fn` holding the scopes' locks. */
export async function withLock<T>(ctx: Context, globals: Globals, scopes: readonly string[], command: string, fn: () => Promise<T>): Promise<T> {
  const release = await lockScopes(ctx, globals, scopes, command);
  try {
    return await fn();
  } finally {
    await release();
  }
}

/** Signals that stop an apply cleanly: Ctrl-C, a supervisor's stop, a closed terminal or ssh session. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * While `fn` runs, SIGINT, SIGTERM and SIGHUP do not kill the process: they make the engine
 * stop before its next step (the journal hook throws), and the caller's failure path rolls
 * back what was done. A second signal is left to the default (recover settles it).
 */
export async function interruptible<T>(ctx: Context, fn: (check: () => void) => Promise<T>): Promise<T> {
  let signal: NodeJS.Signals | undefined;
  const onSignal = (s: NodeJS.Signals) => {
    if (signal !== undefined) {
      for (const x of STOP_SIGNALS) process.off(x, onSignal);
      process.kill(process.pid, s);
      return;
    }
    signal = s;
    // After a hangup nobody reads the terminal (a write could even fail): the journal says why.
    if (s !== 'SIGHUP') ctx.io.err(`wirestate: ${s}: stopping after the running step, then rolling back (send it again to die now; \`wirestate recover\` settles that)\n`);
  };
  for (const x of STOP_SIGNALS) process.on(x, onSignal);
  try {
    return await fn(() => {
      if (signal !== undefined) throw new WirestateError('conflict', `interrupted by ${signal}`);
    });
  } finally {
    for (const x of STOP_SIGNALS) process.off(x, onSignal);
  }
}

/** Starts a session journal: the first record holds the pre-change state. */
export function startSession(
  globals: Globals,
  fields: { command: string; scopes: readonly Scope[]; pre: State } & Pick<SessionRecord, 'topology' | 'desired' | 'factsFile'>,
): JournalWriter {
  const session: SessionRecord = {
    t: 'session',
    version: JOURNAL_VERSION,
    id: newSessionId(),
    writer: selfId(),
    at: new Date().toISOString(),
    ...fields,
  };
  return createJournal(globals.layout, session, killHook());
}

/**
 * A journal that runs `check` before each step starts, so an interrupt stops the engine
 * between steps. It yields to the event loop first: signal handlers run there, and a
 * driver answering from memory would otherwise never give them a turn.
 */
export function checkedJournal(journal: Journal, check: () => void): Journal {
  const checkpoint = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    check();
  };
  return {
    ...journal,
    begin: async (plan) => {
      await checkpoint();
      await journal.begin(plan);
    },
    stepStarted: async (step) => {
      await checkpoint();
      await journal.stepStarted(step);
    },
  };
}

/** The current view of a journal file. */
export function viewFile(file: string): SessionView {
  return viewOf(file, readJournal(file));
}

/** The CLI's own file in the bundle, set by the bundle build; undefined when running the sources. */
declare const WIRESTATE_CLI_ENTRY: string | undefined;

/**
 * Starts the confirm-or-revert timer: a detached process (own session and process group,
 * no terminal, stdio to a log file) that outlives this one and reverts the session at
 * the deadline unless it is confirmed by then.
 */
export function spawnConfirmTimer(globals: Globals, journalFile: string, deadline: Date): ProcessId {
  const main = fileURLToPath(new URL(typeof WIRESTATE_CLI_ENTRY === 'string' ? WIRESTATE_CLI_ENTRY : './main.ts', import.meta.url));
  makePrivateDir(globals.layout, globals.layout.timersDir);
  const log = openSync(join(globals.layout.timersDir, `${Date.now()}-${process.pid}.log`), 'a', 0o600);
  const args = [
    ...process.execArgv,
    main,
    '--state-dir',
    globals.layout.root,
    '--drivers',
    globals.drivers.join(','),
    // The timer waits for a lock an apply may hold for long; a revert must not give up early.
    '--lock-timeout',
    '10m',
    'confirm-timer',
    '--journal',
    journalFile,
    '--deadline',
    deadline.toISOString(),
  ];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error('cannot start the confirm timer');
  const start = processStart(pid);
  return start === undefined ? { pid } : { pid, start };
}
