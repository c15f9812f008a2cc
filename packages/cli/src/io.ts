/** Where the CLI writes: injected so tests can run commands in-process and capture output. */
import pc from 'picocolors';
import { NO_PAINT, type Paint } from '@wirestate/core';

/** The CLI's output channels. */
export interface Io {
  /** Human or machine output (stdout). */
  readonly out: (text: string) => void;
  /** Errors and progress notes (stderr). */
  readonly err: (text: string) => void;
  /** Whether stdout is a terminal (colours by default). */
  readonly isTty: boolean;
  /** Environment, for `NO_COLOR` / `FORCE_COLOR`. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The process's own stdout and stderr. */
export function processIo(): Io {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    isTty: process.stdout.isTTY === true,
    env: process.env,
  };
}

/**
 * Colours when stdout is a TTY, unless `--no-color` or `NO_COLOR` says otherwise;
 * `FORCE_COLOR` forces them (e.g. piping into `less -R`).
 */
export function paintFor(io: Io, colorFlag: boolean): Paint {
  const forced = io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0';
  const enabled = colorFlag && io.env.NO_COLOR === undefined && (io.isTty || forced);
  if (!enabled) return NO_PAINT;
  const c = pc.createColors(true);
  return { bold: c.bold, dim: c.dim, green: c.green, yellow: c.yellow, red: c.red, cyan: c.cyan, magenta: c.magenta };
}
