import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseScript } from './parse-script.js';
import type { PacketEvent, Script, ScriptEvent, SyscallEvent } from './ast.js';
import { readShell } from './shell-settings.js';
import { SHARED } from '../../test/helpers/paths.js';

function ok(text: string): Script {
  const r = parseScript(text, 't.pkt');
  if (!r.ok) assert.fail(`${r.error.line}:${r.error.column}: ${r.error.message}`);
  return r.script;
}
function err(text: string): string {
  const r = parseScript(text, 't.pkt');
  assert.equal(r.ok, false, 'expected a parse error');
  return r.ok ? '' : `${r.error.file}:${r.error.line}:${r.error.column}: ${r.error.message}`;
}
const one = (text: string): ScriptEvent => ok(text).events[0];

test('time specs: absolute, relative, range, any, blocking', () => {
  const s = ok('0 close(3) = 0\n+.01 close(3) = 0\n+.3~+.400 > F. 1:1(0) ack 1\n* > . 1:1(0) ack 1\n+.1...0.200 connect(3, ..., ...) = 0\n+0...0 accept(3, ..., ...) = 4\n');
  assert.deepEqual(s.events.map((e) => e.time), [
    { start: { kind: 'absolute', us: 0 } },
    { start: { kind: 'relative', us: 10_000 } },
    { start: { kind: 'relative', us: 300_000 }, rangeEnd: { kind: 'relative', us: 400_000 } },
    { start: { kind: 'any' } },
    { start: { kind: 'relative', us: 100_000 }, blockingEnd: { us: 200_000 } },
    { start: { kind: 'relative', us: 0 }, blockingEnd: { us: 0 } },
  ]);
});

test('inbound SYN with options, outbound SYN-ACK', () => {
  const s = ok('+0 < S 0:0(0) win 65535 <mss 1000,sackOK,nop,nop,nop,wscale 8>\n+0 > S. 0:0(0) ack 1 win 18980 <mss 1460,nop,nop,sackOK,nop,wscale 8>\n');
  assert.deepEqual({ ...s.events[0], time: undefined, loc: undefined, text: undefined }, {
    kind: 'packet', direction: 'inbound', flags: 'S', seqStart: 0, seqEnd: 0, length: 0, win: 65535,
    options: [{ kind: 'mss', value: 1000 }, { kind: 'sackOK' }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'wscale', shift: 8 }],
    time: undefined, loc: undefined, text: undefined,
  });
  const out = s.events[1] as ScriptEvent & PacketEvent;
  assert.equal(out.ack, 1);
  assert.equal(out.win, 18980);
  assert.equal(out.loc.line, 2);
});

test('flags, urg, TS, sack blocks, FO, <...> and no options', () => {
  const p = (t: string) => one(t) as PacketEvent;
  assert.equal(p('+0 < - 1:1001(1000) win 20000').flags, '-');
  assert.equal(p('+0 > FP. 13001:20001(7000) ack 1').length, 7000);
  assert.equal(p('+0 < P. 1:2(1) ack 1 urg 1 win 5').urg, 1);
  assert.deepEqual(p('+0 > . 1:1(0) ack 1 <nop,nop,TS val 200 ecr 700>').options, [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamp', val: 200, ecr: 700 }]);
  assert.deepEqual(p('+0 < . 1:1(0) ack 1 win 5 <sack 1001:2001 3001:4001,eol>').options, [{ kind: 'sack', blocks: [[1001, 2001], [3001, 4001]] }, { kind: 'eol' }]);
  assert.deepEqual(p('+0 < S 0:10(10) win 1000 <mss 1460,FO TFO_COOKIE,nop>').options, [{ kind: 'mss', value: 1460 }, { kind: 'fastopen', cookie: 'TFO_COOKIE' }, { kind: 'nop' }]);
  assert.equal(p('+0 > S 0:0(0) <...>').options, 'any');
  assert.equal(p('+0 > R 1:1(0)').options, undefined);
});

test('system calls: ellipsis, pointers, OR-ed flags, NULL, structs, errno with free text', () => {
  const c = (t: string) => one(t) as SyscallEvent;
  assert.deepEqual(c('0 socket(..., SOCK_STREAM|SOCK_NONBLOCK, IPPROTO_TCP) = 3').args, [
    { kind: 'ellipsis' }, { kind: 'or', terms: [{ kind: 'symbol', name: 'SOCK_STREAM' }, { kind: 'symbol', name: 'SOCK_NONBLOCK' }] }, { kind: 'symbol', name: 'IPPROTO_TCP' },
  ]);
  assert.deepEqual(c('+0 getsockopt(4, SOL_TCP, TCP_MAXSEG, [1100], [4]) = 0').args[3], { kind: 'array', items: [{ kind: 'number', value: 1100 }] });
  const w = c('+0 write(4, NULL, 1000) = -1 EFAULT (Bad address)');
  assert.deepEqual([w.args[1], w.result, w.errno, w.note], [{ kind: 'null' }, { kind: 'number', value: -1 }, 'EFAULT', 'Bad address']);
  assert.deepEqual(c('+0 setsockopt(4, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0').args[3],
    { kind: 'struct', fields: [{ name: 'onoff', nameArgs: undefined, value: { kind: 'number', value: 1 } }, { name: 'linger', nameArgs: undefined, value: { kind: 'number', value: 0 } }] });
  const f = c('+0\tfcntl(3, F_GETFL) = 0x2 (flags O_RDWR)');
  assert.deepEqual([f.result, f.note], [{ kind: 'number', value: 2 }, 'flags O_RDWR']);
  const r = c('+0 recvmsg(3, {msg_name(...)=...,\n  msg_iov(1)=[{..., 1000}],\n  msg_flags=0}, 0) = 1000 // a comment\n');
  assert.equal(r.result.kind === 'number' && r.result.value, 1000);
  assert.equal(r.args[1].kind === 'struct' && r.args[1].fields[1].name, 'msg_iov');
});

test('comments, top-of-file options, init, timed shell, python, cleanup', () => {
  const s = ok('// c\n--mss=1000\n--tolerance_usecs=10000\n/* block\n comment */\n`../common/defaults.sh\n ./set_sysctls.py /proc/sys/net/ipv4/tcp_min_tso_segs=10`\n0 `nstat -n`\n+0 %{ assert tcpi_probes == 0, tcpi_probes }%\n`/tmp/sysctl_restore_${PPID}.sh`\n');
  assert.deepEqual(s.options, { mss: '1000', tolerance_usecs: '10000' });
  assert.equal(s.init.length, 1);
  assert.deepEqual(s.events.map((e) => e.kind), ['shell', 'python']);
  assert.equal(s.cleanup[0].command, '/tmp/sysctl_restore_${PPID}.sh');
});

test('syntax errors name file:line:column and what was expected', () => {
  assert.equal(err('0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 > Q 0:0(0)\n'), "t.pkt:2:6: expected TCP flags (letters from S F R P U E W A, \".\" for ACK, \"-\" for none), found 'Q'");
  assert.equal(err('+0 < S 0:10(0) win 1\n'), 't.pkt:1:10: expected end = start + length (0+0=0, not 10), found \'10\'');
  assert.equal(err('+0 < S 0:0(0) <mss 1000>\n'), "t.pkt:1:25: expected 'win N' (required on inbound packets), found end of line");
  assert.equal(err('+0 > S 0:0(0) <mss>\n'), "t.pkt:1:19: expected a number after 'mss', found '>'");
  assert.equal(err('+0 close(3) = 0 junk\n'), "t.pkt:1:17: expected end of line, found 'junk'");
  assert.equal(err('+0 close(3 = 0\n'), "t.pkt:1:12: expected ',' or ')', found '='");
  assert.equal(err('+ close(3) = 0\n'), "t.pkt:1:2: expected a time after \"+\", found ' '");
  assert.equal(err('// c\n\n`unterminated\n0 close(3) = 0\n'), "t.pkt:5:1: unterminated shell command starting at 3:1: expected '`' before end of file");
  assert.equal(err('+0 %{ assert x\n'), "t.pkt:2:1: unterminated python block starting at 1:4: expected '}%' before end of file");
  assert.equal(err('0 close(3) = 0\n  /* open\n'), "t.pkt:3:1: unterminated comment starting at 2:3: expected '*/' before end of file");
  assert.equal(err('0 close(3) = 0 /* open'), "t.pkt:1:23: unterminated comment starting at 1:16: expected '*/' before end of file");
  assert.match(err('+1~+2 close(3) = 0\n'), /^t\.pkt:1:1: .*allowed on outbound packets only/);
});

test('a script needs one event at least (parser.y `events`): empty or comment-only is an error at end of file', () => {
  const want = (at: string): string => `t.pkt:${at}: expected at least one timed event (such as \`0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\`), found end of file`;
  assert.equal(err(''), want('1:1'));
  assert.equal(err('// nothing\n/* here */\n'), want('3:1'));
  assert.equal(err('--tolerance_usecs=10\n`./defaults.sh`\n'), want('3:1'));
});

// Every script of the corpus, truncated at random places and with random bytes flipped, must give
// a script or a located error, quickly. The generator is seeded so a failure reproduces.
function corpus(): string[] {
  const dir = path.join(SHARED, 'conformance');
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = path.join(d, n);
      if (statSync(p).isDirectory()) walk(p); else if (n.endsWith('.pkt')) out.push(p);
    }
  };
  try { walk(dir); } catch { /* corpus absent: the fuzz below still runs on the fixtures */ }
  return out.sort();
}

test('the whole corpus parses', () => {
  const files = corpus();
  for (const f of files) {
    const r = parseScript(readFileSync(f, 'utf8'), f);
    assert.ok(r.ok, r.ok ? '' : `${r.error.file}:${r.error.line}:${r.error.column}: ${r.error.message}`);
  }
});

test('truncated and corrupted scripts give a result or a located error, never a crash or hang', () => {
  let seed = 12345;
  const rand = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  const texts = corpus().map((f) => readFileSync(f, 'utf8'));
  texts.push('+0 recvmsg(3, {a=[{b=[1|2|3]}]}, 0) = 1\n');
  let errors = 0;
  for (const text of texts) {
    for (let i = 0; i < 60; i++) {
      let t = text.slice(0, rand(text.length + 1));
      if (i % 2 === 1) {
        const chars = [...text];
        for (let k = 0; k < 1 + rand(4); k++) chars[rand(chars.length)] = String.fromCharCode(rand(256));
        t = chars.join('');
      }
      const r = parseScript(t, 'fuzz.pkt');
      if (!r.ok) {
        errors++;
        assert.ok(r.error.line >= 1 && r.error.column >= 1);
        assert.doesNotMatch(r.error.message, /internal parser error/);
      }
    }
  }
  assert.ok(errors > 0);
});

test('backtick lines: sysctl, set_sysctls.py, included defaults.sh with shell arithmetic', () => {
  const files: Record<string, string> = { '../common/defaults.sh': '#!/bin/bash\n# c\nip tcp_metrics flush all > /dev/null 2>&1\nsysctl -q net.ipv4.tcp_rmem="4096 540000 $((15*1024*1024))"\nsysctl -q net.ipv4.tcp_early_retrans=4 net.ipv4.tcp_recovery=1\n' };
  const r = readShell('../common/defaults.sh\n ../common/set_sysctls.py /proc/sys/net/ipv4/tcp_min_tso_segs=10\nsysctl -q net.ipv4.tcp_fin_timeout=3\n./missing.sh', (p) => files[p]);
  assert.deepEqual(r.settings, [
    { name: 'net.ipv4.tcp_rmem', value: '4096 540000 15728640' },
    { name: 'net.ipv4.tcp_early_retrans', value: '4' },
    { name: 'net.ipv4.tcp_recovery', value: '1' },
    { name: 'net.ipv4.tcp_min_tso_segs', value: '10' },
    { name: 'net.ipv4.tcp_fin_timeout', value: '3' },
  ]);
  assert.deepEqual(r.notes, ['could not read ./missing.sh; its settings are not applied']);
  // `ip tcp_metrics flush all` is read: the host forgets its Fast Open cookies.
  assert.equal(r.flushMetrics, true);
});

test('backtick lines: a backslash at the end of a line continues the command', () => {
  const r = readShell('../common/set_sysctls.py /proc/sys/net/ipv4/tcp_timestamps=0\\\n\t\t/proc/sys/net/ipv4/tcp_fastopen=5\\\n', () => undefined);
  assert.deepEqual(r.settings, [{ name: 'net.ipv4.tcp_timestamps', value: '0' }, { name: 'net.ipv4.tcp_fastopen', value: '5' }]);
});

test('a read or write count no real run can make is a located error, not an engine exception', () => {
  assert.equal(err('0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 write(3, ..., 99999999999) = 99999999999\n'),
    't.pkt:2:18: write() of 99999999999 bytes: one call moves at most 2147479552 bytes on Linux (MAX_RW_COUNT), and no real run allocates a buffer that size');
  // MAX_RW_COUNT itself is a count Linux takes.
  assert.equal(ok('0 read(3, ..., 2147479552) = 0\n').events.length, 1);
});

test('a header field or time no packet or run can carry is a located error, never handed to the engine', () => {
  assert.equal(err('0 < P. 1:2000000001(2000000000) ack 1 win 257\n'),
    't.pkt:1:21: TCP payload size 2000000000 is out of range: the field holds at most 65535');
  assert.equal(err('0 < P. 99999999999:100000000999(1000) ack 1 win 257\n'),
    't.pkt:1:8: TCP sequence number 99999999999 is out of range: the field holds at most 4294967295');
  assert.equal(err('0 < . 1:1(0) ack 1 win 65536\n'), 't.pkt:1:24: TCP window value 65536 is out of range: the field holds at most 65535');
  assert.equal(err('0 < . 1:1(0) ack 4294967296 win 1\n'), 't.pkt:1:18: TCP ack number 4294967296 is out of range: the field holds at most 4294967295');
  assert.equal(err('0 < S 0:0(0) win 1 <mss 65536>\n'), 't.pkt:1:25: TCP option mss 65536 is out of range: the field holds at most 65535');
  assert.equal(err('0 < S 0:0(0) win 1 <wscale 256>\n'), 't.pkt:1:28: TCP option wscale 256 is out of range: the field holds at most 255');
  assert.equal(err('0 < . 1:1(0) ack 1 win 1 <nop,nop,TS val 4294967296 ecr 0>\n'),
    't.pkt:1:42: TCP option TS val 4294967296 is out of range: the field holds at most 4294967295');
  assert.equal(err('0 < . 1:1(0) ack 1 win 1 <sack 1:4294967296>\n'),
    't.pkt:1:34: SACK block edge 4294967296 is out of range: the field holds at most 4294967295');
  assert.equal(err('0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+99999999999 close(3) = 0\n'),
    't.pkt:2:2: time 99999999999 s is out of range: at most 9007199254 s');
  // The largest values are ones a packet carries.
  assert.equal(ok('0 < P. 4294901760:4294967295(65535) ack 4294967295 win 65535 <mss 65535,wscale 255>\n').events.length, 1);
});
