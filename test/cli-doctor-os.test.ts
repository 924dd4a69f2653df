// The doctor on pastes from Windows, macOS and FreeBSD speaks that OS: registry values and netsh on
// Windows, sysctl net.inet.tcp.* on the BSDs, tasklist / sockstat / lsof for missing owners, and
// never Linux-only advice (net.ipv4 sysctls, ulimit, /proc, ss, bcc, tcplens capture) — in English
// and Chinese, in the summary, the details and the notes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from './helpers/run-cli.js';
import { ROOT } from './helpers/paths.js';

const LINUX_ONLY = /net\.ipv4|net\.core|\bulimit\b|\/proc\b|`ss |\bss -|\bbcc\b|tcplens capture|tcp_fin_timeout|tcp_tw_reuse|tcp_keepalive_|tcp_syn_retries|ip_local_port_range/;
const FORMATS = path.join(ROOT, 'test/fixtures/formats');

function windowsPaste(): string {
  const rows = ['', 'Active Connections', '', '  Proto  Local Address          Foreign Address        State           PID'];
  const row = (l: string, r: string, st: string, pid: number) => rows.push(`  TCP    ${l.padEnd(23)}${r.padEnd(23)}${st.padEnd(16)}${pid}`);
  row('0.0.0.0:8080', '0.0.0.0:0', 'LISTENING', 5124);
  for (let i = 0; i < 30; i++) row('10.1.2.3:8080', `10.1.2.${50 + i}:51000`, 'CLOSE_WAIT', 5124);
  for (let i = 0; i < 150; i++) row('10.1.2.3:8080', `10.1.3.${i % 250}:${52000 + i}`, 'TIME_WAIT', 0);
  for (let i = 0; i < 12000; i++) row(`10.1.2.3:${49152 + i}`, '10.0.0.9:1433', 'TIME_WAIT', 0);
  row('10.1.2.3:61200', '10.0.0.9:1433', 'ESTABLISHED', 6100);
  for (let i = 0; i < 25; i++) row(`10.1.2.3:${62000 + i}`, '93.184.216.34:443', 'SYN_SENT', 7788);
  for (let i = 0; i < 25; i++) row(`10.1.2.3:${63000 + i}`, '10.0.0.7:80', 'FIN_WAIT_2', 7788);
  return rows.join('\r\n') + '\r\n';
}

function macPaste(): string {
  const rows = ['Active Internet connections (including servers)', 'Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)'];
  const row = (l: string, r: string, st: string, rq = 0) => rows.push(`tcp4  ${String(rq).padStart(6)}      0  ${l.padEnd(23)}${r.padEnd(23)}${st}`);
  row('*.8080', '*.*', 'LISTEN');
  for (let i = 0; i < 30; i++) row('10.1.2.3.8080', `10.1.2.${50 + i}.51000`, 'CLOSE_WAIT', 1);
  for (let i = 0; i < 12000; i++) row(`10.1.2.3.${49152 + i}`, '10.0.0.9.5432', 'TIME_WAIT');
  for (let i = 0; i < 25; i++) row(`10.1.2.3.${62000 + i}`, '10.0.0.5.443', 'SYN_SENT');
  return rows.join('\n') + '\n';
}

function freebsdSockstat(): string {
  const rows = ['USER     COMMAND    PID   FD PROTO  LOCAL ADDRESS         FOREIGN ADDRESS       PATH STATE   CONN STATE'];
  const row = (l: string, r: string, st: string, fd: number) => rows.push(`www      nginx      2001  ${String(fd).padEnd(4)}tcp4   ${l.padEnd(22)}${r.padEnd(22)}               ${st}`);
  row('*:80', '*:*', 'LISTEN', 3);
  for (let i = 0; i < 30; i++) row('192.168.71.163:80', `192.168.71.${10 + i}:40002`, 'CLOSE_WAIT', 10 + i);
  for (let i = 0; i < 25; i++) row(`192.168.71.163:${50000 + i}`, '192.168.71.200:443', 'SYN_SENT', 100 + i);
  for (let i = 0; i < 25; i++) row(`192.168.71.163:${51000 + i}`, '192.168.71.201:80', 'FIN_WAIT_2', 200 + i);
  return rows.join('\n') + '\n';
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'tcplens-os-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string): string => { const p = path.join(dir, name); writeFileSync(p, text); return p; };
const WIN = write('netstat-ano.txt', windowsPaste());
const MAC = write('netstat-an.txt', macPaste());
const FREEBSD = write('sockstat-s.txt', freebsdSockstat());

function doctor(file: string, lang: 'en' | 'zh'): string {
  const r = runCli(['doctor', '--input', file, '-v', '--lang', lang]);
  assert.ok(r.status === 0 || r.status === 1, `${file}: ${r.status} ${r.stderr}`);
  return r.stdout;
}

function noLinuxAdvice(text: string, what: string): void {
  const m = LINUX_ONLY.exec(text);
  assert.equal(m, null, `${what}: Linux-only advice "${m?.[0]}" in:\n${text.split('\n').filter((l) => LINUX_ONLY.test(l)).join('\n')}`);
}

for (const lang of ['en', 'zh'] as const) {
  test(`Windows netstat -ano (${lang}): registry values, netsh and tasklist, no Linux advice, pid-only owners, Recv-Q unknown`, () => {
    const out = doctor(WIN, lang);
    noLinuxAdvice(out, `windows ${lang}`);
    for (const id of ['close_wait_leak', 'time_wait_pressure', 'syn_sent_stall', 'fin_wait2_orphans']) assert.match(out, new RegExp(id));
    assert.match(out, /TcpTimedWaitDelay/);
    assert.match(out, /KeepAliveTime/);
    assert.match(out, /netsh int ipv4 (set|show) dynamicport tcp/);
    assert.match(out, /tasklist \/FI "PID eq 5124"/);
    assert.doesNotMatch(out, /\? \(pid|\?（pid/);
    assert.match(out, lang === 'en' ? /Recv-Q not in the input/ : /输入中没有 Recv-Q/);
    assert.doesNotMatch(out, /0 with unread|0 read to EOF/);
  });

  test(`macOS netstat -an (${lang}): sysctl net.inet.tcp.*, lsof/sockstat for owners, no Linux advice`, () => {
    const out = doctor(MAC, lang);
    noLinuxAdvice(out, `macos ${lang}`);
    assert.match(out, /close_wait_leak/);
    assert.match(out, /time_wait_pressure/);
    assert.match(out, /net\.inet\.tcp\.msl/);
    assert.match(out, /net\.inet\.ip\.portrange\.first/);
    assert.match(out, /lsof -nP -iTCP/);
    assert.match(out, /49152–65535/);
  });

  test(`FreeBSD sockstat -s (${lang}): FreeBSD's knobs, no Linux advice`, () => {
    const out = doctor(FREEBSD, lang);
    noLinuxAdvice(out, `freebsd ${lang}`);
    assert.match(out, /close_wait_leak/);
    assert.match(out, /syn_sent_stall/);
    assert.match(out, /net\.inet\.tcp\.keepinit/);
    assert.match(out, /fast_finwait2_recycle/);
  });

  test(`every Windows, PowerShell and BSD fixture (${lang}): no Linux advice`, () => {
    for (const sub of ['windows', 'bsd', 'powershell']) {
      for (const f of readdirSync(path.join(FORMATS, sub))) {
        const r = runCli(['doctor', '--input', path.join(FORMATS, sub, f), '-v', '--lang', lang, '--partial']);
        noLinuxAdvice(r.stdout, `${sub}/${f} ${lang}`);
      }
    }
  });
}

test('a Windows folder with tasklist names the process; the paste alone keeps the pid and says which paste names it', () => {
  const folder = path.join(dir, 'win-folder');
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, 'netstat-ano.txt'), windowsPaste());
  writeFileSync(path.join(folder, 'tasklist.txt'), [
    '', 'Image Name                     PID Session Name        Session#    Mem Usage',
    '========================= ======== ================ =========== ============',
    'java.exe                      5124 Services                   0  1,204,112 K',
    'chrome.exe                    7788 Console                    1    210,004 K', ''].join('\r\n'));
  const named = runCli(['doctor', '--input', folder]);
  assert.match(named.stdout, /close_wait_leak +java\.exe \(pid 5124\) · port 8080 · 30 CLOSE-WAIT/);
  assert.doesNotMatch(named.stdout, /tasklist \/FI "PID eq 5124"/);
  const alone = JSON.parse(runCli(['doctor', '--input', WIN, '--json']).stdout) as { findings: { id: string; evidence: { pid?: number; process?: string }; missing?: string[] }[] };
  const cw = alone.findings.find((f) => f.id === 'close_wait_leak');
  assert.equal(cw?.evidence.pid, 5124);
  assert.equal(cw?.evidence.process, undefined);
  assert.ok(cw?.missing?.some((m) => m.includes('tasklist')));
});

test('sim --profile windows|bsd: conclusions name that OS\'s knobs, not tcp_fin_timeout', () => {
  for (const [profile, fin, tw] of [['windows', /TcpFinWait2Delay/, /TcpTimedWaitDelay/], ['bsd', /net\.inet\.tcp\.finwait2_timeout/, /net\.inet\.tcp\.msl/]] as const) {
    for (const lang of ['en', 'zh']) {
      const close = runCli(['sim', 'active-close', '--profile', profile, '--lang', lang]);
      assert.equal(close.status, 0, close.stderr);
      assert.match(close.stdout, fin);
      assert.match(close.stdout, tw);
      assert.doesNotMatch(close.stdout, /tcp_fin_timeout|fixed on Linux|Linux 上固定/);
      const orphan = runCli(['sim', 'fin-wait-2-timeout', '--profile', profile, '--lang', lang]);
      assert.equal(orphan.status, 0, orphan.stderr);
      assert.match(orphan.stdout.slice(orphan.stdout.search(/Conclusion|结论/)), fin);
      assert.doesNotMatch(orphan.stdout.slice(orphan.stdout.search(/Conclusion|结论/)), /tcp_fin_timeout|Linux/);
    }
  }
});
