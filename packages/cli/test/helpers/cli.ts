/** Runs the real `wirestate` binary as a subprocess, as a user would. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext } from 'ava';

/** The cli package folder. */
export const CLI_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The `wirestate` bin a user runs. */
export const BIN = join(CLI_DIR, 'bin', 'wirestate.js');

/** What a run printed and how it exited. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `wirestate ...args` in `cwd` (default: the cli package), without colours unless `extraEnv` asks. */
export function wirestate(args: readonly string[], cwd = CLI_DIR, extraEnv: NodeJS.ProcessEnv = { NO_COLOR: '1' }): Promise<CliRun> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.FORCE_COLOR;
    delete env.NO_COLOR;
    Object.assign(env, extraEnv);
    execFile(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A temporary folder removed when the test ends. */
export function tempDir(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'wirestate-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
