/**
 * Errors as data. Validation problems are collected into one `ValidationError`; runtime
 * failures are `WirestateError`s with a closed `kind` that decides retry policy.
 */

/** One located validation problem. */
export interface Issue {
  /** Stable machine-readable code, e.g. `invalid_mac`, `unknown_reference`. */
  readonly code: string;
  /** Path of the offending field, e.g. `['bindings', 0, 'podNic']`. */
  readonly path: readonly (string | number)[];
  /** One-line human message. */
  readonly message: string;
  /** Position in the source file, when the input came from one. */
  readonly location?: SourceLocation;
}

/** A position in a source file, 1-based. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** Renders a path the way users write it: `bindings[0].podNic`. */
export function toDotPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === '' ? '(root)' : out;
}

/** Renders one issue as `file:line:col: path: message`. */
export function formatIssue(issue: Issue): string {
  const where = issue.location ? `${issue.location.file}:${issue.location.line}:${issue.location.col}: ` : '';
  return `${where}${toDotPath(issue.path)}: ${issue.message} [${issue.code}]`;
}

/** All problems of an input, thrown together. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  readonly kind = 'invalid_argument' as const;
  constructor(readonly issues: readonly Issue[]) {
    super(`${issues.length} problem${issues.length === 1 ? '' : 's'} found:\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
  }
}

/** Closed set of runtime error kinds. */
export type ErrorKind =
  | 'invalid_argument'
  | 'conflict'
  | 'driver_failure'
  | 'verification'
  | 'not_supported'
  | 'bug';

/** Whether an error of this kind may succeed when tried again unchanged. */
export function canRetry(kind: ErrorKind): boolean {
  return kind === 'driver_failure' || kind === 'verification';
}

/** Options of a `WirestateError`. */
export interface WirestateErrorOptions {
  /** The underlying error. */
  readonly cause?: unknown;
  /** Errno-like code reported by the system (`EEXIST`, `ENODEV`), when there is one. */
  readonly code?: string;
}

/** A runtime failure with a closed kind. */
export class WirestateError extends Error {
  override readonly name = 'WirestateError';
  readonly code: string | undefined;
  constructor(
    readonly kind: ErrorKind,
    message: string,
    options: WirestateErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
  }
}

/** Wraps any thrown value into a `WirestateError`, keeping one that already is. */
export function asWirestateError(err: unknown, context: string): WirestateError {
  if (err instanceof WirestateError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new WirestateError('bug', `${context}: ${message}`, { cause: err });
}
