/** Runs the real `wirestate` bin (in-process, so a kill reaches the process that writes the journal) over a file-backed test system. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { canonicalJson, completeState, type State } from '@wirestate/core';
import { listJournals, readJournal, stateLayout, viewOf, type SessionView } from '@wirestate/state';
import { BIN, CLI_DIR } from './cli.ts';

/** How a run ended. */
export interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly pid: number;
}

/** A test workspace: a state dir and a system file. */
export interface Workspace {
  readonly dir: string;
  readonly stateDir: string;
  readonly systemFile: string;
  /** Runs `wirestate --state-dir … args` with the test system and extra env; `started` sees the process. */
  run(args: readonly string[], env?: NodeJS.ProcessEnv, started?: (child: ChildProcess) => void): Promise<Run>;
  /** The system's current state. */
  system(): State;
  /** Every session, oldest first. */
  sessions(): SessionView[];
}

/** A workspace whose system starts at `initial`, removed at teardown. */
export function workspace(t: ExecutionContext, initial: Partial<State>, extraGlobal: readonly string[] = []): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'wirestate-durable-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const stateDir = join(dir, 'state');
  const systemFile = join(dir, 'system.json');
  writeFileSync(systemFile, JSON.stringify(completeState(initial)));
  return {
    dir,
    stateDir,
    systemFile,
    run: (args, env = {}, started) => runCli(['--state-dir', stateDir, ...extraGlobal, ...args], { WIRESTATE_TEST_SYSTEM_FILE: systemFile, ...env }, started),
    system: () => completeState(JSON.parse(readFileSync(systemFile, 'utf8')) as Partial<State>),
    sessions: () => listJournals(stateLayout(stateDir)).map((j) => viewOf(j.file, readJournal(j.file))),
  };
}

/** Runs the CLI with `env` added; no colours; `started` sees the process as soon as it is spawned. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, started: (child: ChildProcess) => void = () => undefined): Promise<Run> {
  return new Promise((resolve) => {
    const e: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...env };
    delete e.FORCE_COLOR;
    const child = spawn(process.execPath, [BIN, ...args], { cwd: CLI_DIR, env: e, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, pid: child.pid! }));
    started(child);
  });
}

/** Canonical JSON of a state, for equality with a readable diff. */
export function canon(s: State): unknown {
  return JSON.parse(canonicalJson(s));
}

/** Polls `check` every 200 ms until it returns true or `limitMs` passes (a liveness bound, not a timing assertion). */
export async function eventually(check: () => boolean, limitMs = 120_000): Promise<boolean> {
  const end = Date.now() + limitMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return check();
}
