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

/**
 * Linux's errno values (include/uapi/asm-generic/errno-base.h, errno.h): getsockopt(SO_ERROR)
 * returns a number, and packetdrill scripts and the load tables compare or count it.
 */
export const ERRNO_NUMBER: Readonly<Record<Errno, number>> = {
  EPIPE: 32, EAGAIN: 11, EBADF: 9, EFAULT: 14, EINVAL: 22, EMFILE: 24, ENOTSOCK: 88,
  EOPNOTSUPP: 95, ENOPROTOOPT: 92, EAFNOSUPPORT: 97, EADDRINUSE: 98, EADDRNOTAVAIL: 99,
  ENETUNREACH: 101, ECONNRESET: 104, ENOBUFS: 105, EISCONN: 106, ENOTCONN: 107, ETIMEDOUT: 110,
  ECONNREFUSED: 111, EHOSTUNREACH: 113, EALREADY: 114, EINPROGRESS: 115,
};

const ERRNO_BY_NUMBER: ReadonlyMap<number, Errno> = new Map(ERRNOS.map((e) => [ERRNO_NUMBER[e], e]));

/** The errno name of a Linux errno value, or undefined for a number outside the table. */
export function errnoName(n: number): Errno | undefined {
  return ERRNO_BY_NUMBER.get(n);
}
