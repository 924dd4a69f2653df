// The one place the host imports the connection engine (src/core/connection.ts) from.
export { Connection } from '../core/connection.js';
export { TimeWaitSock } from '../core/time-wait-sock.js';
export type { TimeWaitInit } from '../core/time-wait-sock.js';
export { resetFor } from '../core/reset.js';
export { LINUX_STATE_NUMBER } from '../core/tcp-info.js';
export type { ConnectionParams, TransmitFilter } from '../core/connection.js';
export type { ConnectionEvent, SocketOptions } from '../core/tcb.js';
