// Linux's errno numbers (include/uapi/asm-generic/errno*.h), for SO_ERROR values written as numbers
// in scripts (`getsockopt(3, SOL_SOCKET, SO_ERROR, [110], [4])`).
import type { Errno } from '../core/errno.js';

export const ERRNO_NUMBER: Readonly<Record<Errno, number>> = {
  EPIPE: 32, EAGAIN: 11, EBADF: 9, EFAULT: 14, EINVAL: 22, EMFILE: 24, ENOTSOCK: 88,
  EOPNOTSUPP: 95, ENOPROTOOPT: 92, EAFNOSUPPORT: 97, EADDRINUSE: 98, EADDRNOTAVAIL: 99,
  ENETUNREACH: 101, ECONNRESET: 104, ENOBUFS: 105, EISCONN: 106, ENOTCONN: 107, ETIMEDOUT: 110,
  ECONNREFUSED: 111, EHOSTUNREACH: 113, EALREADY: 114, EINPROGRESS: 115,
};

export function errnoName(n: number): string {
  for (const [k, v] of Object.entries(ERRNO_NUMBER)) if (v === n) return k;
  return String(n);
}
