// The errno names a socket call can fail with, as Linux's errno(3) spells them.
export const ERRNOS = [
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EINPROGRESS', 'EALREADY', 'EAGAIN',
  'EADDRINUSE', 'EADDRNOTAVAIL', 'ENOTCONN', 'EISCONN', 'EINVAL', 'EBADF', 'EFAULT', 'ENOTSOCK',
  'EOPNOTSUPP', 'ENOPROTOOPT', 'EAFNOSUPPORT', 'EMFILE', 'ENOBUFS', 'EHOSTUNREACH', 'ENETUNREACH',
] as const;

export type Errno = (typeof ERRNOS)[number];

/** A failed call: the value a socket call returns instead of throwing. */
export interface SysError {
  readonly errno: Errno;
}

export function sysError(errno: Errno): SysError {
  return { errno };
}

export function isSysError(x: unknown): x is SysError {
  return typeof x === 'object' && x !== null && 'errno' in x && typeof (x as SysError).errno === 'string';
}
