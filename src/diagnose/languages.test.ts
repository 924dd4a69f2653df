// Every rule's findings, rendered in both languages: English output carries no Chinese, Chinese
// output carries Chinese (no "— 被动关闭" inside an English `why:` line). A gallery of
// hosts that between them fire every rule and most branches of each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { doctorReport, diagnoseText } from './diagnose.js';
import { RULE_IDS } from './finding.js';
import { renderReport } from './render-report.js';
import { RULES } from './rules/index.js';
import { host, LINUX_DEFAULT_SYSCTLS, peerIp, sock, times } from './snapshot-builder.js';
import type { HostSnapshot } from '../model/snapshot.js';
import { TCP_STATES } from '../model/states.js';
import { explainState, renderExplanation, renderStateList } from './explain.js';

const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;
const java = { pid: 4242, name: 'java' };
const tw = (remainingMs: number) => ({ timer: { kind: 'timewait' as const, remainingMs } });

const GALLERY: Record<string, HostSnapshot> = {
  closeWaitUnread: host({ sysctls: { ...LINUX_DEFAULT_SYSCTLS, 'net.ipv4.tcp_keepalive_time': '30' } },
    times(80, (i) => sock('CLOSE-WAIT', '10.0.0.1:8080', `${peerIp(i)}:5000`, { ...java, recvQ: i < 10 ? 0 : 1, ageMs: 600_000 }))),
  closeWaitCritical: host({}, times(600, (i) => sock('CLOSE-WAIT', `10.0.0.1:${40000 + i}`, '10.0.0.9:3306', { ...java, recvQ: 0 }))),
  closeWaitNoOwner: host({ complete: false }, times(30, (i) => sock('CLOSE-WAIT', '10.0.0.1:443', `${peerIp(i)}:5000`, { recvQ: 1 }))),
  closeWaitQueued: host({}, [sock('LISTEN', '0.0.0.0:8080', '0.0.0.0:*', { pid: 7, name: 'tomcat', recvQ: 100, sendQ: 100 }),
    ...times(40, (i) => sock('CLOSE-WAIT', '10.0.0.1:8080', `${peerIp(i)}:5000`, { inode: 0, recvQ: 1 }))]),
  closeWaitGrowing: host({ history: [{ takenAt: 1, stateCounts: { 'CLOSE-WAIT': 2 } }, { takenAt: 2, stateCounts: { 'CLOSE-WAIT': 5 } }] },
    times(9, (i) => sock('CLOSE-WAIT', '10.0.0.1:443', `${peerIp(i)}:5000`, { ...java, recvQ: 0 }))),
  acceptFull: host({ sysctls: { 'net.core.somaxconn': '4096' }, counters: { 'TcpExt:ListenOverflows': 1200, 'TcpExt:ListenDrops': 1200 } },
    [sock('LISTEN', '0.0.0.0:80', '0.0.0.0:*', { pid: 3, name: 'node', recvQ: 512, sendQ: 511 })]),
  acceptProc: host({ source: { kind: 'proc', origin: '/proc', os: 'linux' }, counters: { 'TcpExt:ListenOverflows': 40 } },
    [sock('LISTEN', '0.0.0.0:80', '0.0.0.0:*', { pid: 3, name: 'node', recvQ: 6, sendQ: 0 })]),
  acceptSinceBoot: host({ counters: { 'TcpExt:ListenOverflows': 7, 'TcpExt:ListenDrops': 9 } }, [sock('LISTEN', '0.0.0.0:80', '0.0.0.0:*', { recvQ: 0, sendQ: 511 })]),
  synFlood: host({ sysctls: { 'net.ipv4.tcp_syncookies': '1' }, counters: { 'TcpExt:SyncookiesSent': 5000 } }, [
    sock('LISTEN', '0.0.0.0:443', '0.0.0.0:*', { pid: 5, name: 'nginx', recvQ: 0, sendQ: 511 }),
    ...times(900, (i) => sock('SYN-RECEIVED', '10.0.0.1:443', `${peerIp(i, '172.16')}:2000`, { timer: { kind: 'on', remainingMs: 1000, retransmits: 2 } }))]),
  synNoCookies: host({ sysctls: { 'net.ipv4.tcp_syncookies': '0' } }, [
    sock('LISTEN', '0.0.0.0:443', '0.0.0.0:*', { pid: 5, name: 'nginx', recvQ: 0, sendQ: 128 }),
    ...times(300, (i) => sock('SYN-RECEIVED', '10.0.0.1:443', `10.9.0.${(i % 3) + 1}:${2000 + i}`))]),
  synSinceBoot: host({ counters: { 'TcpExt:SyncookiesSent': 3, 'TcpExt:TCPReqQFullDrop': 0 } }, []),
  timeWaitClient: host({ sysctls: { ...LINUX_DEFAULT_SYSCTLS, 'net.ipv4.tcp_tw_reuse': '0' } },
    times(20_000, (i) => sock('TIME-WAIT', `10.0.0.1:${32768 + i}`, '10.0.0.9:5432', tw(30_000)))),
  timeWaitNarrow: host({ sysctls: { 'net.ipv4.ip_local_port_range': '40000 40999', 'net.ipv4.tcp_tw_reuse': '0' } },
    times(950, (i) => sock('TIME-WAIT', `10.0.0.1:${40000 + i}`, '10.0.0.9:6379', tw(10_000)))),
  timeWaitReuse: host({ sysctls: { ...LINUX_DEFAULT_SYSCTLS, 'net.ipv4.tcp_tw_reuse': '1' } },
    times(20_000, (i) => sock('TIME-WAIT', `10.0.0.1:${32768 + i}`, '10.0.0.9:5432', tw(30_000)))),
  timeWaitServer: host({ sysctls: { ...LINUX_DEFAULT_SYSCTLS, 'net.ipv4.tcp_fin_timeout': '30' } }, [
    sock('LISTEN', '0.0.0.0:80', '0.0.0.0:*', { pid: 9, name: 'nginx' }),
    ...times(20_000, (i) => sock('TIME-WAIT', '10.0.0.1:80', `${peerIp(i)}:50000`, tw(30_000)))]),
  timeWaitBuckets: host({ sysctls: { 'net.ipv4.tcp_max_tw_buckets': '5000' }, sockstat: { tw: 4990 } }, []),
  timeWaitWindows: host({ source: { kind: 'netstat-windows', origin: 'x', os: 'windows' } },
    times(15_000, (i) => sock('TIME-WAIT', `10.0.0.1:${49152 + i}`, '10.0.0.9:1433'))),
  synSent: host({}, times(40, (i) => sock('SYN-SENT', `10.0.0.1:${40000 + i}`, '10.0.0.30:8080', { pid: 11, name: 'nginx', timer: { kind: 'on', remainingMs: 3000, retransmits: 2 } }))),
  finWait2Orphans: host({ sysctls: { 'net.ipv4.tcp_fin_timeout': '5' } },
    times(40, (i) => sock('FIN-WAIT-2', `10.0.0.1:${40000 + i}`, '10.0.0.7:6379', { inode: 0, timer: { kind: 'timewait', remainingMs: 3000 } }))),
  finWait2Owned: host({}, times(25, (i) => sock('FIN-WAIT-2', `10.0.0.1:${40000 + i}`, '10.0.0.7:80', { pid: 31, name: 'worker', inode: 100 + i, ageMs: 60_000 }))),
  finWait2Unknown: host({ complete: true }, times(15, (i) => sock('FIN-WAIT-2', `10.0.0.1:${40000 + i}`, '10.0.0.7:80'))),
  orphanLimit: host({ sysctls: { 'net.ipv4.tcp_max_orphans': '10000' }, sockstat: { orphan: 6000 }, counters: { 'TcpExt:TCPAbortOnMemory': 12 } }, []),
  idle: host({}, times(150, (i) => sock('ESTABLISHED', '10.0.0.1:8080', `${peerIp(i)}:50000`, { pid: 2, name: 'java', timer: { kind: 'off', remainingMs: 0 }, extra: { lastrcv: 7_200_000, lastsnd: 7_200_000 } }))),
  idleUnknown: host({}, times(1200, (i) => sock('ESTABLISHED', '10.0.0.1:8080', `${peerIp(i)}:50000`, { pid: 2, name: 'java', timer: { kind: 'off', remainingMs: 0 } }))),
  blogAdviceSysctl: host({ sysctls: { ...LINUX_DEFAULT_SYSCTLS, 'net.ipv4.tcp_tw_recycle': '1', 'net.ipv4.tcp_fin_timeout': '30', 'net.ipv4.tcp_keepalive_time': '30' } }, []),
  badSysctls: host({
    sysctls: { ...LINUX_DEFAULT_SYSCTLS, 'net.ipv4.tcp_max_tw_buckets': '100', 'net.ipv4.tcp_abort_on_overflow': '1', 'net.ipv4.tcp_syncookies': '0' },
    counters: { 'TcpExt:TCPTimeWaitOverflow': 500, 'TcpExt:TCPAbortOnData': 1000, 'Tcp:ActiveOpens': 5000, 'Tcp:PassiveOpens': 5000 },
  }, []),
  windowsNoOwner: host({ source: { kind: 'netstat-windows', origin: 'x', os: 'windows' }, complete: false },
    times(30, (i) => sock('CLOSE-WAIT', '10.0.0.1:443', `${peerIp(i)}:5000`))),
  lsofUnknownOs: host({ source: { kind: 'lsof', origin: 'x', os: 'unknown' } }, times(30, (i) => sock('CLOSE-WAIT', '10.0.0.1:443', `${peerIp(i)}:5000`, java))),
};

function texts(f: ReturnType<typeof diagnoseText>[number], lang: 'en' | 'zh'): string[] {
  return [f.summary[lang], f.explanation[lang], ...f.fixes.flatMap((x) => [x.text[lang], ...(x.caveat ? [x.caveat[lang]] : [])]), ...(f.missing ?? []).map((m) => m[lang])];
}

test('the gallery fires every rule', () => {
  const fired = new Set(Object.values(GALLERY).flatMap((s) => diagnoseText(s).map((f) => f.id)));
  assert.deepEqual([...RULE_IDS].filter((id) => !fired.has(id)), []);
});

test('every finding text: English has no Chinese characters, Chinese has Chinese', () => {
  for (const [name, s] of Object.entries(GALLERY)) {
    for (const f of diagnoseText(s)) {
      for (const t of texts(f, 'en')) assert.doesNotMatch(t, CJK, `${name} ${f.id} (en): ${t}`);
      for (const t of [f.summary.zh, f.explanation.zh]) assert.match(t, CJK, `${name} ${f.id} (zh): ${t}`);
    }
  }
});

test('the whole rendered report: no Chinese in English, Chinese in every finding and note in Chinese', () => {
  for (const [name, s] of Object.entries(GALLERY)) {
    s.problems = [{ file: 'x.txt', line: 3, message: 'not a ss row', zh: '不是 ss 的一行' }];
    const en = renderReport(doctorReport(s, { lang: 'en' }), 'en');
    assert.doesNotMatch(en, CJK, `${name}: ${en.split('\n').find((l) => CJK.test(l))}`);
    const zh = doctorReport(s, { lang: 'zh' });
    for (const n of zh.summary.notes) assert.match(n, CJK, `${name} note: ${n}`);
    for (const f of zh.findings) assert.match(f.summary, CJK, `${name} ${f.id}: ${f.summary}`);
    assert.match(renderReport(zh, 'zh'), /不是 ss 的一行/, `${name}: parse problems in Chinese under --lang zh`);
  }
});

test('tcplens explain: every state in English without Chinese, in Chinese with it', () => {
  for (const st of TCP_STATES) {
    const en = renderExplanation(explainState(st, 'en'), 'en');
    assert.doesNotMatch(en, CJK, `${st}: ${en.split('\n').find((l) => CJK.test(l))}`);
    const zh = explainState(st, 'zh');
    for (const t of [zh.meaning, zh.who, zh.ends, zh.many]) assert.match(t, CJK, `${st} (zh): ${t}`);
  }
  assert.doesNotMatch(renderStateList('en'), CJK);
});

test('a folder source line in Chinese says 个文件, not "files"', () => {
  const s = host({}, []);
  s.sources = [{ kind: 'folder', origin: 'cap' }, { kind: 'ss', origin: 'cap/ss.txt', os: 'linux' }, { kind: 'proc-file', origin: 'cap/sysctl.txt', os: 'linux' }];
  assert.match(renderReport(doctorReport(s, { lang: 'zh' }), 'zh'), /^tcplens doctor — 数据源：cap（2 个文件：ss, proc-file）$/m);
  assert.match(renderReport(doctorReport(s, { lang: 'en' }), 'en'), /^tcplens doctor — source: cap \(2 files: ss, proc-file\)$/m);
});

test('doctor --rules: titles and thresholds in both languages', () => {
  for (const r of RULES) {
    for (const t of [r.title, r.thresholds]) {
      assert.doesNotMatch(t.en, CJK, `${r.id}: ${t.en}`);
      assert.match(t.zh, CJK, `${r.id}: ${t.zh}`);
    }
  }
});
