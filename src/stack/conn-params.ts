// What the host gives a new connection (connect(), a SYN at a listener, a cookie ACK): its
// 4-tuple, its ISN and timestamp offset drawn from the host's secrets as Linux draws them, the
// socket's options and the local device.
import { canonical } from './addr.js';
import type { ConnectionParams } from './engine.js';
import type { HostState } from './host-state.js';
import { hash32 } from '../core/random.js';
import { seq, type Seq } from '../core/seq.js';

export function connParams(h: HostState, laddr: string, lport: number, raddr: string, rport: number, options: ConnectionParams['options'], isn?: Seq): ConnectionParams {
  // secure_tcp_seq(): a keyed hash of the 4-tuple plus a 64 ns clock (RFC 6528).
  const hash = hash32(h.secret, `${canonical(laddr)}|${lport}|${canonical(raddr)}|${rport}`);
  const clock = Math.floor(h.now * 15_625) % 4_294_967_296;
  // secure_tcp_ts_off(): one timestamp offset per address pair (tcp_timestamps=1), none for 2.
  const tsOffset = h.config.tcp_timestamps === 1 ? hash32(h.tsSecret, `${canonical(laddr)}|${canonical(raddr)}`) : 0;
  return {
    config: h.config,
    local: { addr: laddr, port: lport },
    remote: { addr: raddr, port: rport },
    isn: isn ?? seq(hash + clock),
    tsOffset,
    options: { ...options },
    transmitFilter: h.transmitFilter,
  };
}
