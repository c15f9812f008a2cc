/**
 * The exec port drivers reach programs through: an argv array run by `execFile`, never a
 * shell, so no name or address from a topology is ever parsed by `sh`. Tests and the
 * replay of recorded output inject their own `Runner`.
 */
import { execFile } from 'node:child_process';

/** What a finished program left behind. */
export interface RunResult {
  /** Everything it wrote to stdout, UTF-8. */
  readonly stdout: string;
  /** Everything it wrote to stderr, UTF-8. */
  readonly stderr: string;
  /** Exit code; `null` when a signal ended it. */
  readonly code: number | null;
}

/** Per-call options of a `Runner`. */
export interface RunOptions {
  /** Text written to the program's stdin, which is then closed. */
  readonly input?: string;
  /** Kill the program (SIGKILL) after this many milliseconds; absent: 60 s. */
  readonly timeoutMs?: number;
  /** Extra environment variables on top of the caller's. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Runs `file` with `args` and resolves with its output; rejects only when it cannot start. */
export type Runner = (file: string, args: readonly string[], opts?: RunOptions) => Promise<RunResult>;

/** Output larger than this is a bug in the caller (a runaway loop), not a listing. */
const MAX_BUFFER = 64 * 1024 * 1024;

/** The real runner: `execFile(file, args)` without a shell; a non-zero exit is a result, not a rejection. */
export const execRunner: Runner = (file, args, opts = {}) =>
  new Promise((resolve, reject) => {
    const child = execFile(
      file,
      [...args],
      {
        encoding: 'utf8',
        maxBuffer: MAX_BUFFER,
        timeout: opts.timeoutMs ?? 60_000,
        killSignal: 'SIGKILL',
        env: opts.env === undefined ? process.env : { ...process.env, ...opts.env },
      },
      (err, stdout, stderr) => {
        if (err === null) {
          resolve({ stdout, stderr, code: 0 });
          return;
        }
        const e = err as NodeJS.ErrnoException & { code?: unknown; signal?: unknown };
        // A string code (ENOENT, EACCES) means the program never ran.
        if (typeof e.code === 'string') {
          reject(err);
          return;
        }
        resolve({ stdout, stderr, code: typeof e.code === 'number' ? e.code : null });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });

/** A runner that counts the processes it starts, for benchmarks and process-count tests. */
export function countingRunner(inner: Runner = execRunner): { run: Runner; count: () => number; reset: () => void } {
  let n = 0;
  return {
    run: (file, args, opts) => {
      n += 1;
      return inner(file, args, opts);
    },
    count: () => n,
    reset: () => {
      n = 0;
    },
  };
}
