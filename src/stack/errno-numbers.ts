// Linux's errno values (include/uapi/asm-generic/errno*.h) for the errno names of
// src/core/errno.ts: getsockopt(SO_ERROR) returns a number, as packetdrill scripts compare it.
import type { Errno } from '../core/errno.js';

export const ERRNO_NUMBER: Readonly<Record<Errno, number>> = {
  EPIPE: 32, EAGAIN: 11, EBADF: 9, EFAULT: 14, EINVAL: 22, ENOTSOCK: 88, EOPNOTSUPP: 95,
  ENOPROTOOPT: 92, EAFNOSUPPORT: 97, EADDRINUSE: 98, EADDRNOTAVAIL: 99, ENETUNREACH: 101,
  ECONNRESET: 104, ENOBUFS: 105, EISCONN: 106, ENOTCONN: 107, ETIMEDOUT: 110, ECONNREFUSED: 111,
  EHOSTUNREACH: 113, EALREADY: 114, EINPROGRESS: 115, EMFILE: 24,
};
