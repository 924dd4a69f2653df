// `netstat -s` prose: only the few counters the doctor uses (/proc/net/netstat is the stable source:
// the prose differs between net-tools versions). The `Name: value` lines that newer net-tools prints
// for counters it has no sentence for are read too. Other sentences are counted, not guessed at.
import { note, numberedLines, repairText } from './text.js';
import { msg } from './messages.js';
import type { FormatParser, ParsedPart } from './types.js';
import { counterNumber } from './values.js';

/** Sentence (after the leading number) -> counter name. From net-tools statistics.c. */
const SENTENCES: ReadonlyArray<[RegExp, string]> = [
  [/^active connection(s)? openings?$/, 'Tcp:ActiveOpens'],
  [/^passive connection(s)? openings?$/, 'Tcp:PassiveOpens'],
  [/^failed connection attempts$/, 'Tcp:AttemptFails'],
  [/^connection resets received$/, 'Tcp:EstabResets'],
  [/^connections established$/, 'Tcp:CurrEstab'],
  [/^segments retransmitted$/, 'Tcp:RetransSegs'],
  [/^resets sent$/, 'Tcp:OutRsts'],
  [/^times the listen queue of a socket overflowed$/, 'TcpExt:ListenOverflows'],
  [/^SYNs to LISTEN sockets (dropped|ignored)$/, 'TcpExt:ListenDrops'],
  [/^TCP sockets finished time wait in fast timer$/, 'TcpExt:TW'],
  [/^connections reset due to unexpected data$/, 'TcpExt:TCPAbortOnData'],
  [/^connections reset due to early user close$/, 'TcpExt:TCPAbortOnClose'],
  [/^connections aborted due to timeout$/, 'TcpExt:TCPAbortOnTimeout'],
  [/^connections aborted due to memory pressure$/, 'TcpExt:TCPAbortOnMemory'],
  [/^connections aborted after user close in linger timeout$/, 'TcpExt:TCPAbortOnLinger'],
  [/^SYN cookies sent$/, 'TcpExt:SyncookiesSent'],
  [/^SYN cookies received$/, 'TcpExt:SyncookiesRecv'],
  [/^invalid SYN cookies received$/, 'TcpExt:SyncookiesFailed'],
];

const SECTION = /^([A-Za-z0-9]+):\s*$/;

export function parseNetstatS(file: string, raw: string): ParsedPart {
  const text = repairText(raw);
  const part: ParsedPart = {
    format: 'netstat-s', source: { kind: 'netstat-linux', origin: file, os: 'linux', format: 'netstat-s' }, counters: {}, problems: [],
  };
  let section = '';
  let skipped = 0; let firstSkipped = 0;
  for (const line of numberedLines(text)) {
    const t = line.text.trim();
    if (t === '') continue;
    const sec = SECTION.exec(line.text);
    if (sec) { section = sec[1]; continue; }
    const kv = /^([A-Za-z][A-Za-z0-9]*):\s+(\d+)$/.exec(t);
    // A counter is a u64 in digits (counterNumber); a longer run of digits was never printed and is
    // an unread line like any other.
    const kvValue = kv ? counterNumber(kv[2]) : undefined;
    if (kv && section && kvValue !== undefined) { part.counters![`${section}:${kv[1]}`] = kvValue; continue; }
    const num = /^(\d+)\s+(.*)$/.exec(t);
    const hit = num && SENTENCES.find(([re]) => re.test(num[2]));
    const numValue = num ? counterNumber(num[1]) : undefined;
    if (num && hit && numValue !== undefined) { part.counters![hit[1]] = numValue; continue; }
    skipped++;
    if (!firstSkipped) firstSkipped = line.n;
  }
  if (skipped) {
    part.problems.push(note(file, firstSkipped, msg.netstatSUnread(skipped)));
  }
  return part;
}

export const netstatSParser: FormatParser = {
  id: 'netstat-s',
  description: 'netstat -s (statistics prose; key TCP counters only)',
  example: 'netstat -s',
  sniff(lines) {
    const sections = lines.filter((l) => /^(Ip|Icmp|IcmpMsg|Tcp|Udp|UdpLite|TcpExt|IpExt|MPTcpExt):\s*$/.test(l)).length;
    const prose = lines.filter((l) => /^\s+\d+\s+[a-zA-Z]/.test(l)).length;
    return sections > 0 && prose > 0 ? 0.9 : 0;
  },
  parse: parseNetstatS,
};
