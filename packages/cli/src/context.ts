/** What every command handler gets: output channels, colours, and the exit code to report. */
import type { Command } from 'commander';
import type { Paint } from '@wirestate/core';
import { paintFor, type Io } from './io.ts';

/** Exit codes: 0 success (or no changes), 1 error, 2 changes present (`--detailed-exitcode`). */
export const EXIT = { ok: 0, error: 1, changes: 2 } as const;

/** Per-run state shared by commands. */
export interface Context {
  readonly io: Io;
  /** Exit code the run ends with. */
  code: number;
}

/** The paint a command should use, from the global `--no-color` flag and the terminal. */
export function paintOf(ctx: Context, cmd: Command): Paint {
  const opts = cmd.optsWithGlobals<{ color?: boolean }>();
  return paintFor(ctx.io, opts.color !== false);
}
