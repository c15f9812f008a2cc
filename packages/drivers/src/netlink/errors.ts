/**
 * Kernel rejections → `WirestateError`. The `netlink` package reports a rejection only as
 * `Error('Request rejected: EEXIST')`, so the errno name is read from that text, here and
 * nowhere else.
 */
import { WirestateError, type ErrorKind } from '@wirestate/core';

const KIND_OF_CODE: Readonly<Record<string, ErrorKind>> = {
  EEXIST: 'conflict',
  ENODEV: 'conflict',
  ENOENT: 'conflict',
  EADDRNOTAVAIL: 'conflict',
  ESRCH: 'conflict',
  ENOTEMPTY: 'conflict',
  ERANGE: 'invalid_argument',
  EINVAL: 'invalid_argument',
  ENAMETOOLONG: 'invalid_argument',
  EOPNOTSUPP: 'not_supported',
  EPERM: 'not_supported',
  EACCES: 'not_supported',
  EBUSY: 'driver_failure',
  EAGAIN: 'driver_failure',
  ENOBUFS: 'driver_failure',
  ETIMEDOUT: 'driver_failure',
  ENETUNREACH: 'invalid_argument',
  ELOOP: 'invalid_argument',
};

const DESCRIPTION: Readonly<Record<string, string>> = {
  EEXIST: 'file exists',
  ENODEV: 'no such device',
  ENOENT: 'no such file or directory',
  EADDRNOTAVAIL: 'cannot assign requested address',
  ESRCH: 'no such process',
  ENOTEMPTY: 'directory not empty',
  ERANGE: 'numerical result out of range',
  EINVAL: 'invalid argument',
  ENAMETOOLONG: 'file name too long',
  EOPNOTSUPP: 'operation not supported',
  EPERM: 'operation not permitted',
  EACCES: 'permission denied',
  EBUSY: 'device or resource busy',
  EAGAIN: 'resource temporarily unavailable',
  ENOBUFS: 'no buffer space available',
  ETIMEDOUT: 'timed out',
  ENETUNREACH: 'network is unreachable',
  ELOOP: 'too many levels of symbolic links',
  EWORKER: 'the netlink worker process died',
};

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

/** The error kind of an errno name; unknown codes are driver failures (worth a retry, then a human). */
export function kindOfErrno(code: string | undefined): ErrorKind {
  return (code !== undefined ? KIND_OF_CODE[code] : undefined) ?? 'driver_failure';
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
      ? `${code}${DESCRIPTION[code] !== undefined ? ` (${DESCRIPTION[code]})` : ''}`
      : err instanceof Error
        ? err.message
        : String(err);
  return new WirestateError(kindOfErrno(code), `${context}: ${detail}`, {
    cause: err,
    ...(code !== undefined && { code }),
  });
}
