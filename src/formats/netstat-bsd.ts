// READ THIS FIRST — macOS / FreeBSD `netstat -an` (-p tcp, -W, -v, -A) (macOS/FreeBSD netstat(1)).
//
// Rules this parser keeps:
// - Rows start with tcp4 / tcp6 / tcp46 (dual-stack listener) / tcp; udp rows are skipped quietly.
// - The port follows the LAST DOT (`192.168.1.191.52040`, `::1.8081`, `*.8081`, `*.*`).
// - The header says `(state)`. Without -W, addresses may be cut (`fe80::aede:48ff:.4`): such rows
//   are reported, not guessed.
// - -v adds pid columns: old macOS `rhiwat shiwat pid epid state options`, newer macOS
//   `process:pid`; the pid is taken from whichever is there.
// - -A puts a pcb address column first (`Socket`/`Tcpcb`): it is skipped.
// - -L (`netstat -aL`, "Current listen queue sizes (qlen/incqlen/maxqlen)"; FreeBSD inet.c protopr())
//   lists only listeners, `tcp4  0/0/128  *.22` (macOS omits the Proto column): each row is a
//   LISTEN socket whose Recv-Q is qlen (accepted-queue length), Send-Q maxqlen (the backlog limit),
//   as ss prints them for a Linux listener, so the accept-queue rule reads both alike; incqlen (the
//   connections still in the handshake) is kept in `extra.incompleteQueue`.
import type { SocketRecord } from '../model/snapshot.js';
import { stateFromWord } from '../model/states.js';
import { parseEndpoint } from './address.js';
import { badRow, readPaste } from './text.js';
import { msg } from './messages.js';
import { outOfRange, wholeNumber } from './values.js';
import type { FormatParser, ParsedPart } from './types.js';

const ROW = /^(?:[0-9a-f]{8,16}\s+)?(tcp46|tcp4|tcp6|tcp|udp46|udp4|udp6|udp)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s*([\s\S]*)$/;
const LISTEN_ROW = /^(?:(tcp46|tcp4|tcp6|tcp|udp46|udp4|udp6|udp)\s+)?(\d+)\/(\d+)\/(\d+)\s+(\S+)\s*$/;
const LISTEN_TITLE = /^Current listen queue sizes/;
const HEADER = /^(?:\S+\s+)?Proto\s+Recv-Q\s+Send-Q\s+Local Address\s+Foreign Address\s+\(state\)/;

export function parseNetstatBsd(file: string, raw: string): ParsedPart {
  const { lines, truncated, last } = readPaste(raw);
  const part: ParsedPart = {
    format: 'netstat-bsd', source: { kind: 'netstat-bsd', origin: file, os: 'unknown', format: 'netstat-bsd' },
    sockets: [], problems: [],
  };
  let pidOffset = -1; // position of `pid` among the columns after (state), old macOS -v
  let sawHeader = false;
  for (const line of lines) {
    const t = line.text;
    if (t.trim() === '') continue;
    if (HEADER.test(t)) {
      sawHeader = true;
      const after = t.slice(t.indexOf('(state)') + 7).trim().split(/\s+/);
      pidOffset = after.indexOf('pid');
      continue;
    }
    const lq = LISTEN_ROW.exec(t);
    if (lq) {
      if (lq[1]?.startsWith('udp')) continue;
      const fam = lq[1] === 'tcp4' ? 'ipv4' : 'ipv6';
      const local = parseEndpoint(lq[5], '.', fam);
      const remote = parseEndpoint('*.*', '.', local?.family ?? fam);
      const [qlen, inc, max] = [lq[2], lq[3], lq[4]].map((x) => wholeNumber(x, 0, 4_294_967_295));
      if (!local || !remote || qlen === undefined || inc === undefined || max === undefined) {
        part.problems.push(badRow(file, line, last, truncated, !local ? msg.badAddress(lq[5], msg.hintCut('netstat -W')) : outOfRange('qlen/incqlen/maxqlen', `${lq[2]}/${lq[3]}/${lq[4]}`, '0 or more')));
        continue;
      }
      const s: SocketRecord = {
        state: 'LISTEN', family: lq[1] === 'tcp46' ? 'ipv6' : local.family,
        localAddress: local.address, localPort: local.port, remoteAddress: remote.address, remotePort: remote.port,
        recvQ: qlen, sendQ: max, extra: { incompleteQueue: inc },
      };
      if (lq[1] === 'tcp46') s.extra!.dualStack = 1;
      part.sockets!.push(s);
      continue;
    }
    const m = ROW.exec(t);
    if (!m) {
      if (/^Active |^Proto|^Registered|^Current|^Listen\s+Local Address/.test(t)) continue;
      if (/^(unix|udp|icm|raw|kctl|kevt|ndrv|vsock)/i.test(t.trim())) continue;
      part.problems.push(badRow(file, line, last, truncated, msg.notRow('BSD netstat', 'Proto Recv-Q Send-Q Local Foreign (state)')));
      continue;
    }
    if (m[1].startsWith('udp')) continue;
    const fam = m[1] === 'tcp4' ? 'ipv4' : 'ipv6';
    const local = parseEndpoint(m[4], '.', fam);
    const remote = parseEndpoint(m[5], '.', local?.family ?? fam);
    if (!local || !remote) {
      part.problems.push(badRow(file, line, last, truncated, msg.badAddress(!local ? m[4] : m[5], msg.hintCut('netstat -W'))));
      continue;
    }
    const words = m[6].trim().split(/\s+/).filter((w) => w !== '');
    const state = words.length ? stateFromWord(words[0]) : undefined;
    if (!state) {
      part.problems.push(badRow(file, line, last, truncated, msg.unknownState(words[0] ?? '')));
      continue;
    }
    const s: SocketRecord = {
      state, family: m[1] === 'tcp46' ? 'ipv6' : local.family,
      localAddress: local.address, localPort: local.port,
      remoteAddress: remote.address, remotePort: remote.port,
      recvQ: Number(m[2]), sendQ: Number(m[3]),
    };
    if (m[1] === 'tcp46') (s.extra ??= {}).dualStack = 1;
    const procPid = words.slice(1).map((w) => /^(.+):(\d+)$/.exec(w)).find((x) => x);
    if (procPid) {
      s.processes = [{ pid: Number(procPid[2]), name: procPid[1] }];
      part.hasProcesses = true;
    } else if (pidOffset >= 0 && /^\d+$/.test(words[1 + pidOffset] ?? '')) {
      const pid = Number(words[1 + pidOffset]);
      if (pid > 0) s.processes = [{ pid }];
      part.hasProcesses = true;
    }
    part.sockets!.push(s);
  }
  if (sawHeader && part.sockets!.some((s) => s.family === 'ipv6' && /%/.test(s.localAddress))) part.source.os = 'macos';
  return part;
}

export const netstatBsdParser: FormatParser = {
  id: 'netstat-bsd',
  description: 'macOS / FreeBSD netstat -an (-p tcp, -W, -v, -A, -aL)',
  example: 'netstat -anvW -p tcp',
  sniff(lines) {
    if (lines.some((l) => LISTEN_TITLE.test(l)) && lines.some((l) => LISTEN_ROW.test(l))) return 0.95;
    const header = lines.some((l) => HEADER.test(l));
    const rows = lines.filter((l) => /^(?:[0-9a-f]{8,16}\s+)?tcp(4|6|46)?\s+\d+\s+\d+\s+\S+\.(\d+|\*)\s+\S+\.(\d+|\*)/.test(l)).length;
    if (header && rows > 0) return 0.95;
    if (header) return 0.7;
    return rows > 0 && lines.some((l) => /^tcp(4|46)\s/.test(l)) ? 0.8 : 0;
  },
  parse: parseNetstatBsd,
};
