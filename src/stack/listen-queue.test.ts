import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../core/config.js';
import { effectiveBacklog, onFinalAck, onSyn } from './listen-queue.js';

const cfg = defaultConfig();

test('backlog = min(listen backlog, somaxconn)', () => {
  assert.equal(effectiveBacklog(511, cfg), 511);
  assert.equal(effectiveBacklog(100_000, cfg), 4096);
  assert.equal(effectiveBacklog(-1, cfg), 0);
});

test('backlog 4: the accept queue holds 5; the 6th final ACK is dropped, or reset with tcp_abort_on_overflow=1', () => {
  for (let n = 0; n <= 4; n++) assert.equal(onFinalAck({ backlog: 4, synQueue: 1, acceptQueue: n }, cfg).action, 'accept');
  const v = onFinalAck({ backlog: 4, synQueue: 1, acceptQueue: 5 }, cfg);
  assert.equal(v.action, 'drop');
  assert.deepEqual(v.counters, ['TcpExt:ListenOverflows', 'TcpExt:ListenDrops']);
  assert.equal(onFinalAck({ backlog: 4, synQueue: 1, acceptQueue: 5 }, { ...cfg, tcp_abort_on_overflow: 1 }).action, 'reset');
});

test('a SYN meeting a full accept queue is dropped: ListenOverflows + ListenDrops', () => {
  const v = onSyn({ backlog: 4, synQueue: 0, acceptQueue: 5 }, cfg, false);
  assert.deepEqual(v, { action: 'drop', counters: ['TcpExt:ListenOverflows', 'TcpExt:ListenDrops'], why: 'accept queue full' });
});

test('SYN queue past the backlog: cookies with tcp_syncookies=1, a drop with 0, always cookies with 2', () => {
  assert.equal(onSyn({ backlog: 4, synQueue: 4, acceptQueue: 0 }, cfg, false).action, 'request');
  const c = onSyn({ backlog: 4, synQueue: 5, acceptQueue: 0 }, cfg, false);
  assert.deepEqual(c.counters, ['TcpExt:TCPReqQFullDoCookies', 'TcpExt:SyncookiesSent']);
  const d = onSyn({ backlog: 4, synQueue: 5, acceptQueue: 0 }, { ...cfg, tcp_syncookies: 0 }, false);
  assert.deepEqual(d.counters, ['TcpExt:TCPReqQFullDrop', 'TcpExt:ListenDrops']);
  assert.equal(onSyn({ backlog: 4, synQueue: 0, acceptQueue: 0 }, { ...cfg, tcp_syncookies: 2 }, false).action, 'cookie');
  assert.equal(onSyn({ backlog: 4, synQueue: 5, acceptQueue: 0 }, cfg, true).action, 'request', 'a SYN from TIME-WAIT skips the SYN queue tests');
});

test('without cookies the last quarter of tcp_max_syn_backlog is kept for proven peers', () => {
  const c = { ...cfg, tcp_syncookies: 0, tcp_max_syn_backlog: 128 };
  assert.equal(onSyn({ backlog: 4096, synQueue: 96, acceptQueue: 0 }, c, false).action, 'request');
  assert.equal(onSyn({ backlog: 4096, synQueue: 97, acceptQueue: 0 }, c, false).action, 'drop');
});
