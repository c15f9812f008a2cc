/**
 * Kernel rejections → `WirestateError`. The `netlink` package reports a rejection only as
 * `Error('Request rejected: EEXIST')`, so the errno name is read from that text, here and
 * nowhere else.
 */
import { WirestateError } from '@wirestate/core';
import { describeErrno, kindOfErrno } from '../errno.ts';

export { kindOfErrno };

/** Names Node gives errnos whose kernel name differs (95 is EOPNOTSUPP to the kernel and iproute2). */
const ALIASES: Readonly<Record<string, string>> = { ENOTSUP: 'EOPNOTSUPP', EWOULDBLOCK: 'EAGAIN' };

/** The errno name carried by a thrown value: its `code`, or the package's `Request rejected: EXXX` text. */
export function errnoOf(err: unknown): string | undefined {
  const code = rawErrnoOf(err);
  return code !== undefined ? (ALIASES[code] ?? code) : undefined;
}

function rawErrnoOf(err: unknown): string | undefined {
  if (err instanceof WirestateError) return err.code;
  if (err !== null && typeof err === 'object') {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) return code;
  }
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : '';
  return /Request rejected: (E[A-Z0-9]+)/.exec(message)?.[1] ?? /\b(E[A-Z]{3,})\b/.exec(message)?.[1];
}

/** Wraps a failure as `CONTEXT: EEXIST (file exists)` with its kind and code. */
export function netlinkError(context: string, err: unknown): WirestateError {
  if (err instanceof WirestateError) {
    if (err.message.startsWith(context)) return err;
    return new WirestateError(err.kind, `${context}: ${err.message}`, { cause: err, ...(err.code !== undefined && { code: err.code }) });
  }
  const code = errnoOf(err);
  const detail =
    code !== undefined
      ? describeErrno(code)
      : err instanceof Error
        ? err.message
        : String(err);
  return new WirestateError(kindOfErrno(code), `${context}: ${detail}`, {
    cause: err,
    ...(code !== undefined && { code }),
  });
}
