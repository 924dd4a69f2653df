// A fixture per state, each built from the one before (smoltcp's socket_fin_wait_2() from
// socket_fin_wait_1()). The peer uses the corpus's usual SYN: <mss 1000,nop,wscale 7>.
import type { TcpConfig } from '../config.js';
import type { SocketOptions } from '../tcb.js';
import { Trace } from './trace.js';

export function synReceived(config?: Partial<TcpConfig>, options?: SocketOptions): Trace {
  const t = new Trace(config, options);
  t.send(0, 'S 0:0(0) win 32792 <mss 1000,nop,wscale 7>');
  t.recv(0, 'S. 0:0(0) ack 1 <mss 1460,nop,wscale 8>');
  return t;
}

/** Server side, ESTABLISHED at 10 ms. */
export function established(config?: Partial<TcpConfig>, options?: SocketOptions): Trace {
  const t = synReceived(config, options);
  t.send(0.01, '. 1:1(0) ack 1 win 257');
  t.expectState('ESTABLISHED');
  return t;
}

/** Client side, ESTABLISHED at 10 ms (peer without timestamps). */
export function establishedClient(config?: Partial<TcpConfig>, options?: SocketOptions): Trace {
  const t = new Trace(config, options);
  t.connect(0);
  t.recv(0, 'S 0:0(0) <mss 1460,sackOK,TS val 0 ecr 0,nop,wscale 8>');
  t.send(0.01, 'S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 7>');
  t.recv(0.01, '. 1:1(0) ack 1 <>');
  t.expectState('ESTABLISHED');
  return t;
}

/** close() at 20 ms: FIN-WAIT-1. */
export function finWait1(config?: Partial<TcpConfig>, options?: SocketOptions): Trace {
  const t = established(config, options);
  t.advance(0.02);
  t.c.close(t.now);
  t.drain();
  t.recv(0.02, 'F. 1:1(0) ack 1');
  t.expectState('FIN-WAIT-1');
  return t;
}

/** Our FIN acknowledged at 30 ms: FIN-WAIT-2 (an orphan: the application closed). */
export function finWait2(config?: Partial<TcpConfig>, options?: SocketOptions): Trace {
  const t = finWait1(config, options);
  t.send(0.03, '. 1:1(0) ack 2 win 257');
  t.recvNothing(0.03);
  t.expectState('FIN-WAIT-2');
  return t;
}

/** The peer's FIN at 40 ms: TIME-WAIT. */
export function timeWait(config?: Partial<TcpConfig>, options?: SocketOptions): Trace {
  const t = finWait2(config, options);
  t.send(0.04, 'F. 1:1(0) ack 2 win 257');
  t.recv(0.04, '. 2:2(0) ack 2');
  t.expectState('TIME-WAIT');
  return t;
}

/** The peer's FIN at 20 ms: CLOSE-WAIT (no data before it, so the ACK is immediate). */
export function closeWait(config?: Partial<TcpConfig>, options?: SocketOptions): Trace {
  const t = established(config, options);
  t.send(0.02, 'F. 1:1(0) ack 1 win 257');
  t.recv(0.02, '. 1:1(0) ack 2');
  t.expectState('CLOSE-WAIT');
  return t;
}

/** close() in CLOSE-WAIT at 30 ms: LAST-ACK. */
export function lastAck(config?: Partial<TcpConfig>, options?: SocketOptions): Trace {
  const t = closeWait(config, options);
  t.advance(0.03);
  t.c.close(t.now);
  t.drain();
  t.recv(0.03, 'F. 1:1(0) ack 2');
  t.expectState('LAST-ACK');
  return t;
}

/** The peer's FIN crosses ours at 30 ms: CLOSING. */
export function closing(config?: Partial<TcpConfig>, options?: SocketOptions): Trace {
  const t = finWait1(config, options);
  t.send(0.03, 'F. 1:1(0) ack 1 win 257');
  t.recv(0.03, '. 2:2(0) ack 2');
  t.expectState('CLOSING');
  return t;
}
