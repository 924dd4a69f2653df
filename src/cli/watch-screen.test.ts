import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WatchSession } from '../diagnose/watch-frame.js';
import { host, LINUX_DEFAULT_SYSCTLS, peerIp, sock, times } from '../diagnose/snapshot-builder.js';
import { displayWidth } from '../diagnose/socket-views.js';
import type { HostSnapshot, SocketRecord } from '../model/snapshot.js';
import { ageText, renderWatch, type ViewState } from './watch-screen.js';

const T0 = 1_700_000_000_000;
const cw = (i: number): SocketRecord => ({ ...sock('CLOSE-WAIT', '10.0.0.1:8080', `${peerIp(i)}:40000`, { pid: 4242, name: 'java', inode: 1000 + i, recvQ: 1 }), id: `inode:${1000 + i}` });
const tw = (i: number): SocketRecord => ({ ...sock('TIME-WAIT', '10.0.0.1:8080', `${peerIp(i)}:41000`, { timer: { kind: 'timewait', remainingMs: 30_000 + i } }), id: `cookie:${i}` });
const listen = { ...sock('LISTEN', '0.0.0.0:8080', '0.0.0.0:*', { pid: 4242, name: 'java', inode: 1 }), id: 'inode:1' };
const snap = (at: number, n: number): HostSnapshot => ({
  ...host({ takenAt: at, sysctls: LINUX_DEFAULT_SYSCTLS }, [listen, ...times(n, cw), ...times(40, tw)]),
  readDoneAt: at + 20,
});
const view: ViewState = { sort: 'count', by: 'process', paused: false, intervalMs: 2000 };

function session(): WatchSession {
  const s = new WatchSession('netns:shop');
  s.refresh(snap(T0, 30));
  s.refresh(snap(T0 + 2000, 36));
  return s;
}

test('80×24: every line fits, the counts, the flow, the leaking process with its ages and the finding', () => {
  const lines = renderWatch(session().frame(), view, { cols: 80, rows: 24 }, 'en');
  assert.equal(lines.length, 24);
  for (const l of lines) assert.ok(displayWidth(l) <= 80, `too wide: ${l}`);
  const text = lines.join('\n');
  assert.match(lines[0], /^tcplens watch {2}netns:shop {2}every 2s {2}\d\d:\d\d:\d\d #2 {2}\[by process, sort count\]/);
  assert.match(text, /CLOSE-WAIT\s+36\s+\+6\s+\+3\.0\/s/);
  assert.match(text, /net flows: new→CLOSE-WAIT 6/);
  // Seen at the first read: at least 2 s; appeared since: 0 s at least, so the median is 2 s.
  assert.match(text, /CLOSE-WAIT 36 \(\+6\) {2}oldest ≥2s {2}median ≥2s/);
  assert.match(text, /^ {2}java\/4242\s+36\s+\+6\s+\+3\.0\/s\s+≥2s$/m);
  assert.match(text, /TIME-WAIT 40 \(0\) {2}oldest 29s–30s/);
  assert.match(text, /^! [ *]36 CLOSE-WAIT sockets held by java \(pid 4242\)/m);
  assert.match(lines[23], /^q quit {2}space pause/);
});

test('wide terminal: the median column; by port; one state; the port prompt on the last line', () => {
  const s = session();
  const wide = renderWatch(s.frame(), { ...view, by: 'port', state: 'CLOSE-WAIT' }, { cols: 160, rows: 40 }, 'en');
  assert.equal(wide.length, 40);
  assert.match(wide.join('\n'), /^ {2}8080\s+36\s+\+6\s+\+3\.0\/s\s+≥2s\s+median 2s$/m);
  assert.ok(!wide.some((l) => l.startsWith('TIME-WAIT 40')));
  // One state: its oldest sockets follow, each with owner and interval.
  assert.match(wide.join('\n'), /^oldest:\n {2}10\.0\.0\.1:8080 +10\.1\.0\.\d+:40000 +java\/4242 +≥2s$/m);
  const prompt = renderWatch(s.frame({ port: 9999 }), { ...view, port: 9999, prompt: 'port (Enter to apply): 99' }, { cols: 80, rows: 24 }, 'en');
  assert.match(prompt.join('\n'), /^CLOSE-WAIT 0$/m);
  assert.equal(prompt[23], 'port (Enter to apply): 99');
});

test('--lang zh: Chinese words, CJK width counted as two columns', () => {
  const lines = renderWatch(session().frame(), view, { cols: 80, rows: 24 }, 'zh');
  for (const l of lines) assert.ok(displayWidth(l) <= 80, `too wide: ${l}`);
  assert.match(lines.join('\n'), /按进程/);
  assert.match(lines.join('\n'), /最久 ≥2秒/);
});

test('age text: open, exact to the second, interval', () => {
  assert.equal(ageText({ atLeastMs: 75_000, basis: [] }, 'en'), '≥1m15s');
  assert.equal(ageText({ atLeastMs: 12_100, atMostMs: 12_900, basis: ['reads'] }, 'en'), '12s');
  assert.equal(ageText({ atLeastMs: 2000, atMostMs: 4050, basis: ['reads'] }, 'en'), '2s–4s');
  assert.equal(ageText(undefined, 'en'), '-');
});

test('a light read says where ESTABLISHED was counted and how old the full read is; a finding from it starts with its age', () => {
  const s = new WatchSession('live');
  const est = (i: number): SocketRecord => ({ ...sock('ESTABLISHED', '10.0.0.1:8080', `${peerIp(i)}:43000`, { pid: 4242, name: 'java', inode: 9000 + i }), id: `inode:${9000 + i}` });
  const tws = (i: number): SocketRecord => ({ ...tw(i), localAddress: '10.0.0.1', localPort: 8080 });
  s.refresh({ ...snap(T0, 30), sockets: [listen, ...times(30, cw), ...times(120, tws), ...times(5, est)] });
  const f = s.refresh({ ...snap(T0 + 40_000, 30), sockets: [listen, ...times(30, cw), ...times(120, tws)] }, { light: { unlisted: ['ESTABLISHED'], counts: { ESTABLISHED: 5 }, countedFrom: 'Tcp:CurrEstab' } });
  const lines = renderWatch(f, view, { cols: 80, rows: 24 }, 'en');
  for (const l of lines) assert.ok(displayWidth(l) <= 80, `too wide: ${l}`);
  const text = lines.join('\n');
  assert.match(text, /ESTABLISHED\s+5\s+0\s+0\/s/);
  assert.match(text, /^ESTABLISHED: count from Tcp:CurrEstab; its sockets as of the full read 40s ago$/m);
  assert.match(text, /^i  \[40s ago\] \d+ TIME-WAIT/m);
  const zh = renderWatch(f, view, { cols: 80, rows: 24 }, 'zh').join('\n');
  assert.match(zh, /ESTABLISHED：数量取自 Tcp:CurrEstab；其套接字为 40秒前完整读取时的情况/);
});
