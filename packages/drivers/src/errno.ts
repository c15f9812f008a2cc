/** Kernel-style errno names mapped onto the engine's closed error kinds. */
import { WirestateError, type ErrorKind } from '@wirestate/core';

const KIND_OF_ERRNO: Readonly<Record<string, ErrorKind>> = {
  EEXIST: 'conflict',
  ENODEV: 'conflict',
  ENOENT: 'conflict',
  ESRCH: 'conflict',
  EADDRNOTAVAIL: 'conflict',
  ENOTEMPTY: 'conflict',
  ENETDOWN: 'conflict',
  // A gateway outside every connected prefix: the input is wrong, not the system.
  ENETUNREACH: 'invalid_argument',
  ENAMETOOLONG: 'invalid_argument',
  ELOOP: 'invalid_argument',
  ERANGE: 'invalid_argument',
  EINVAL: 'invalid_argument',
  EOPNOTSUPP: 'not_supported',
  EPERM: 'not_supported',
  EACCES: 'not_supported',
  EBUSY: 'driver_failure',
  EAGAIN: 'driver_failure',
  ENOBUFS: 'driver_failure',
  ETIMEDOUT: 'driver_failure',
  EFAULT: 'driver_failure',
};

const TEXT_OF_ERRNO: Readonly<Record<string, string>> = {
  EEXIST: 'file exists',
  ENODEV: 'no such device',
  ENOENT: 'no such file or directory',
  ESRCH: 'no such process',
  EADDRNOTAVAIL: 'cannot assign requested address',
  ENETUNREACH: 'network is unreachable',
  ENETDOWN: 'network is down',
  ELOOP: 'too many levels of symbolic links',
  ERANGE: 'numerical result out of range',
  EINVAL: 'invalid argument',
  EOPNOTSUPP: 'operation not supported',
  EPERM: 'operation not permitted',
  EACCES: 'permission denied',
  EBUSY: 'device or resource busy',
  EAGAIN: 'resource temporarily unavailable',
  ENOBUFS: 'no buffer space available',
  ETIMEDOUT: 'connection timed out',
  ENOTEMPTY: 'directory not empty',
  ENAMETOOLONG: 'file name too long',
  EWORKER: 'the netlink worker process died',
  EFAULT: 'injected fault',
};

/** The error kind of an errno name; unknown names are driver failures (worth a retry, then a human). */
export function kindOfErrno(code: string | undefined): ErrorKind {
  return (code !== undefined ? KIND_OF_ERRNO[code] : undefined) ?? 'driver_failure';
}

/** `EEXIST (file exists)`, or the bare name when it has no description. */
export function describeErrno(code: string): string {
  const text = TEXT_OF_ERRNO[code];
  return text ? `${code} (${text})` : code;
}

/** A `WirestateError` for an errno, with context: `creating bridge br0 in scope pod: EEXIST (file exists)`. */
export function errnoError(code: string, context: string, cause?: unknown): WirestateError {
  return new WirestateError(kindOfErrno(code), `${context}: ${describeErrno(code)}`, { code, cause });
}
