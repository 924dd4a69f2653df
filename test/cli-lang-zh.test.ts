// `--lang zh` output has no English left in it: the main commands (doctor on fixtures, every sim
// scenario, explain, --help of each command, option errors) are run in Chinese and every Latin word
// must be a technical token a Chinese reader sees as is — state names, sysctl and counter names,
// commands and flags, system calls, units, product names. A sentence left in English fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCli } from './helpers/run-cli.js';
import { ROOT } from './helpers/paths.js';
import { main } from '../src/cli/main.js';

/** Latin words allowed in Chinese text: technical names that are not translated. */
const TOKENS = new Set(`
tcplens doctor states watch explain capture sim packetdrill exporter serve help lang json list brief verbose color
tcp udp ipv ipv4 ipv6 netstat lsof proc net snmp sockstat ps sysctl tasklist netsh powershell get nettcpconnection ano ant tanp tanpo
linux windows macos bsd freebsd prometheus grafana wireshark tshark tcpdump cooked pcapng mermaid svg text tracefs netns root tun
syn ack fin rst psh seq len rto msl isn eof pid fd fds tomcat nginx java node python php fpm http keepalive keep alive
accept connect listen bind socket close recv send read write shutdown setsockopt getsockopt poll select epoll closesocket
backlog somaxconn cookies cookie timestamps rfc iana nat ddos dns ecn sack mss rtt tso
linger onoff shut wr rd rdwr so error rate seconds tail closer client server delay loss drop duration gap wander
acceptrate floodrate clientrate connections vanishpercent vanishat idletimeout every leakpercent fdlimit false true
listenoverflows listendrops syncookiessent syncookiesrecv syncookiesfailed tcpreqqfulldrop tcpreqqfulldocookies
activeopens passiveopens outrsts estabresets tcpabortonclose tcpabortondata tcpabortontimeout tcpabortonmemory tcptimewaitoverflow pawspassive
tcpext ext tw all top labels port process destination none node names interval samples input partial profile seed absolute set param pcap
emfile enfile eaddrnotavail econnrefused econnreset etimedout einprogress eagain epipe
finally defer using upstream keepalive_requests keepalive_timeout proxy_http_version connection header
mib raddr lport rport estab stateDiagram localhost wait time retries probes intvl
state exclude sport dport src dst connected synchronized bucket big age recvq sendq
acceptcount server listen the cannot assign requested address reset by peer bytes
handshake challenge min host auto always never findings summary source problems partial bcc tcpstates tcpsynbl tcpretrans
`.trim().split(/\s+/).map((w) => w.toLowerCase()));

/** The Latin words of a text that are not technical tokens (inside `code`, flags, names with _ . : = / digits skipped). */
export function englishLeft(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const clean = line
      .replace(/`[^`]*`/g, ' ')
      .replace(/\S*[_.:=/\\@[\]-]\S*/g, ' ')
      .replace(/--?[\w-]+/g, ' ')
      .replace(/\b[A-Z][A-Z0-9-]+\b/g, ' ')
      .replace(/\b\w*\d\w*\b/g, ' ')
      .replace(/'[^']*'|"[^"]*"/g, ' ') // a quoted value or message, as the user typed or the system prints it
      .replace(/\b[A-Za-z]*[a-z][A-Z]\w*\b/g, ' '); // camelCase, PascalCase: a setting, field or registry name (connectionTimeout, TcpTimedWaitDelay)
    for (const w of clean.match(/[A-Za-z]{3,}/g) ?? []) if (!TOKENS.has(w.toLowerCase())) out.push(`${w}  ←  ${line.trim().slice(0, 120)}`);
  }
  return out;
}

const FX = (p: string) => path.join(ROOT, 'test/fixtures', p);
// In-process (the same main() the binary runs): dozens of runs stay fast on a busy machine.
async function cli(args: string[], env: Record<string, string> = { LANG: 'C' }): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = ''; let stderr = '';
  const status = await main(args, { stdout: (x) => { stdout += x; }, stderr: (x) => { stderr += x; }, readStdin: async () => '', env });
  return { status, stdout, stderr };
}

async function noEnglish(args: string[]): Promise<void> {
  const r = await cli([...args, '--lang', 'zh']);
  const left = englishLeft(r.stdout + r.stderr);
  assert.deepEqual(left, [], `tcplens ${args.join(' ')} --lang zh left English:\n${left.slice(0, 20).join('\n')}`);
}

test('englishLeft finds a sentence and passes technical tokens', () => {
  assert.deepEqual(englishLeft('40 个 CLOSE-WAIT，java（pid 4711）在本地 8080 端口上，tcp_fin_timeout = 60，`ss -tanp`'), []);
  assert.equal(englishLeft('角色 server side and more').length, 3);
});

test('--help of tcplens and of each command, in Chinese', async () => {
  await noEnglish(['--help']);
  for (const c of ['doctor', 'states', 'ls', 'watch', 'explain', 'capture', 'sim', 'pcap', 'serve', 'exporter', 'packetdrill']) await noEnglish([c, '--help']);
  // The binary itself, once: what a user types.
  assert.deepEqual(englishLeft(runCli(['--help', '--lang', 'zh']).stdout), []);
});

test('doctor on Linux, Windows and BSD fixtures, every finding in detail, in Chinese', async () => {
  for (const f of ['doctor/close-wait-java.ss-tanp.txt', 'doctor/healthy', 'doctor/port-exhaustion', 'formats/linux', 'formats/capture-folder',
    'formats/windows/netstat-ano-en.txt', 'formats/bsd/macos-netstat-an.txt', 'formats/powershell/get-nettcpconnection.txt']) {
    await noEnglish(['doctor', '--input', FX(f), '-v']);
    await noEnglish(['doctor', '--input', FX(f), '--brief']);
  }
});

test('every sim scenario, and explain for every state, in Chinese', async () => {
  const list = JSON.parse((await cli(['sim', '--list', '--json'])).stdout) as { name: string }[];
  assert.ok(list.length > 10);
  for (const s of list) await noEnglish(['sim', s.name]);
  await noEnglish(['sim', '--list']);
  for (const st of ['LISTEN', 'SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK', 'TIME-WAIT', 'CLOSED']) await noEnglish(['explain', st]);
  await noEnglish(['explain', '--list']);
});

test('option errors are tcplens sentences in Chinese (exit 2)', async () => {
  for (const args of [['ls', '--pid', '-3'], ['doctor', '--bogus'], ['doctor', '--input'], ['doctor', '--json=1'], ['states', '--by'], ['sim'], ['sim', 'nope'], ['nope']]) {
    const r = await cli([...args, '--lang', 'zh']);
    assert.equal(r.status, 2, args.join(' '));
    assert.doesNotMatch(r.stderr, /Option '|Unknown option|ERR_PARSE_ARGS|argument missing|ambiguous/, args.join(' '));
    const left = englishLeft(r.stderr);
    assert.deepEqual(left, [], `${args.join(' ')}: ${left.join('\n')}`);
  }
  const en = runCli(['ls', '--pid', '-3']);
  assert.equal(en.status, 2);
  assert.match(en.stderr, /^tcplens ls: --pid needs a value, got '-3' \(a value that starts with - is written --pid=-3\)$/m);
  assert.match((await cli(['doctor', '--bogus'])).stderr, /^tcplens doctor: unknown option '--bogus' \(tcplens doctor --help lists the options\)$/m);
  assert.match((await cli(['doctor', '--input'])).stderr, /^tcplens doctor: --input needs a value \(--input VALUE\)$/m);
  // A zh locale without --lang speaks Chinese too.
  assert.match((await cli(['doctor', '--bogus'], { LANG: 'zh_CN.UTF-8' })).stderr, /^tcplens doctor：未知选项 '--bogus'/m);
});
