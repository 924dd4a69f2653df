// Sockets per state, all eleven RFC 9293 names as keys (the awk one-liner done right).
import type { HostSnapshot, SocketRecord } from '../model/snapshot.js';
import { TCP_STATES, type TcpState } from '../model/states.js';

export function zeroCounts(): Record<TcpState, number> {
  const out = {} as Record<TcpState, number>;
  for (const st of TCP_STATES) out[st] = 0;
  return out;
}

export function stateCounts(sockets: readonly SocketRecord[]): Record<TcpState, number> {
  const out = zeroCounts();
  for (const k of sockets) out[k.state]++;
  return out;
}

export function snapshotStateCounts(s: HostSnapshot): Record<TcpState, number> {
  return stateCounts(s.sockets);
}
