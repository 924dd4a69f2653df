// READ THIS FIRST — iproute2 `ss -tan` with any of -p -o -i -e -m -H (iproute2 misc/ss.c).
//
// Rules this parser keeps:
// - A row is `[Netid] State Recv-Q Send-Q Local Peer [extras...]`; the header is optional (-H) and a
//   Netid column appears only when several tables are listed (then non-tcp rows are skipped quietly).
// - Extras are read by keyword, in any order: users:((...)), timer:(...), uid:, ino:, sk:, cgroup:,
//   v6only:, the shutdown arrow (<-> --> <-- ---). Process names are quoted and may hold spaces.
// - A line starting with white space continues the row above (-i tcp_info, -m skmem); its key:value
//   words go to `extra`.
// - LISTEN rows: Recv-Q is the accept queue, Send-Q its limit (tcp_diag_get_info()).
// - `*` as a local address is a dual-stack IPv6 socket (iproute2 >= 4.14), the IPv4 wildcard before.
// - Every line that is neither header, row nor continuation becomes a problem with its number; so
//   does a row with a figure ss never prints (pid 0, a port above 65535, 20 digits: validate.ts).
import type { SocketRecord, ProcessRef } from '../model/snapshot.js';
import { stateFromWord } from '../model/states.js';
import { parseEndpoint } from './address.js';
import { ssTimerMs } from './timers.js';
import { TIMER_WORDS } from '../model/timers.js';
import { badRow, problem, readPaste } from './text.js';
import { socketValueProblem } from './validate.js';
import { msg } from './messages.js';
import type { FormatParser, ParsedPart, ParseOptions } from './types.js';

const HEADER = /^\s*(Netid\s+)?State\s+Recv-Q\s+Send-Q\s+Local/;
/** `ss -tn state close-wait` prints no State column when one state is selected: the text lacks it. */
const STATELESS_HEADER = /^\s*(Netid\s+)?Recv-Q\s+Send-Q\s+Local Address:Port/;
const NETIDS = new Set(['tcp', 'udp', 'raw', 'u_str', 'u_dgr', 'u_seq', 'p_raw', 'p_dgr', 'nl', 'mptcp', 'sctp', 'tipc', 'v_str', 'v_dgr', 'xdp', 'u_seqpacket']);
const ROW = /^(\S+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+)(.*)$/;
const OLD_USERS = /users:\(\("(?:[^"\\]|\\.)*",\d+,\d+\)/;
const EXTRA_KEYS: ReadonlyArray<[string, RegExp]> = ['sk', 'cgroup', 'v6only', 'fwmark'].map((k) => [k, new RegExp(`(?:^|\\s)${k}:(\\S+)`)]);

/** `users:(("nginx",pid=1234,fd=6),("nginx",pid=1235,fd=6))` -> process refs. */
export function parseUsers(rest: string): ProcessRef[] | undefined {
  const at = rest.indexOf('users:((');
  if (at < 0) return undefined;
  const out: ProcessRef[] = [];
  // iproute2 before 3.19 printed `("nginx",1234,6)`, without the pid= and fd= labels.
  const re = /\("((?:[^"\\]|\\.)*)",(?:pid=)?(\d+),(?:tid=\d+,)?(?:fd=)?(\d+)[^)]*\)/g;
  re.lastIndex = at;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    out.push({ pid: Number(m[2]), name: m[1], fd: Number(m[3]) });
    // Stop at the end of the users:(...) group.
    if (rest.startsWith(')', re.lastIndex)) break;
  }
  return out.length ? out : undefined;
}

function readExtras(rest: string, s: SocketRecord): void {
  const procs = parseUsers(rest);
  if (procs) s.processes = procs;
  const timer = /timer:\((\w+),([^,)]*),(\d+)\)/.exec(rest);
  if (timer) {
    const kind = TIMER_WORDS[timer[1]];
    const ms = ssTimerMs(timer[2]);
    if (kind && ms !== undefined) s.timer = { kind, remainingMs: ms, retransmits: Number(timer[3]) };
    else (s.extra ??= {}).timer = timer[0]; // delack/unknown have no SocketTimer kind
  }
  const uid = /(?:^|\s)uid:(\d+)/.exec(rest);
  if (uid) s.uid = Number(uid[1]);
  const ino = /(?:^|\s)ino:(\d+)/.exec(rest);
  if (ino) s.inode = Number(ino[1]);
  for (const [key, re] of EXTRA_KEYS) {
    const m = re.exec(rest);
    if (m) (s.extra ??= {})[key] = m[1];
  }
  const arrow = /(?:^|\s)(<->|-->|<--|---)(?:\s|$)/.exec(rest);
  if (arrow) (s.extra ??= {}).shutdown = arrow[1];
}

/** `-i`/`-m` continuation: `ts sack cubic wscale:7,7 rto:204 rtt:0.017/0.008 ... send 15bps` */
function readContinuation(text: string, s: SocketRecord): void {
  const extra = (s.extra ??= {});
  const words = text.trim().split(/\s+/);
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const kv = /^([a-z_]+):(.+)$/.exec(w);
    if (kv) {
      if (kv[1] === 'bbr' || kv[1] === 'skmem') { extra[kv[1]] = kv[2]; continue; }
      extra[kv[1]] = /^\d+(\.\d+)?$/.test(kv[2]) ? Number(kv[2]) : kv[2];
    } else if ((w === 'send' || w === 'pacing_rate' || w === 'delivery_rate') && i + 1 < words.length) {
      extra[w] = words[++i];
    } else if (/^[a-z_]+$/.test(w)) {
      // flags: ts sack ecn app_limited, and the congestion control name
      extra.flags = extra.flags ? `${extra.flags} ${w}` : w;
    }
  }
}

export function parseSs(file: string, raw: string, options: ParseOptions = {}): ParsedPart {
  const { text, lines, truncated, last } = readPaste(raw);
  const part: ParsedPart = { format: 'ss', source: { kind: 'ss', origin: file, os: 'linux', format: 'ss' }, sockets: [], problems: [] };
  // Before iproute2 4.14 IPv6 was unbracketed (`:::22`) and `*` was the IPv4 wildcard; since then
  // IPv6 is bracketed and `*` is a dual-stack IPv6 socket.
  // The unlabelled users:(("nc",1469,3)) of iproute2 < 3.19 says the same.
  const oldStyle = /^\S+\s+\d+\s+\d+\s+:::\S/m.test(text) || /\s:::[\w-]+\s/.test(text) || OLD_USERS.test(text);
  const star: 'ipv4' | 'ipv6' = oldStyle ? 'ipv4' : 'ipv6';
  let netid = false;
  let sawP = false;
  let prev: SocketRecord | undefined;
  let skipping = false; // continuation lines of a skipped non-tcp row
  const stateless = lines.find((l) => STATELESS_HEADER.test(l.text));
  if (stateless) {
    const rows = lines.filter((l) => l.n > stateless.n && /^\S/.test(l.text)).length;
    part.problems.push(problem(file, stateless, msg.noStateColumn(rows)));
    return part;
  }
  for (const line of lines) {
    const t = line.text;
    if (t.trim() === '') continue;
    const h = HEADER.exec(t);
    if (h) {
      netid = !!h[1];
      // iproute2 >= 5.4 prints a Process header even without -p: only users:(...) proves -p.
      continue;
    }
    if (/^\s/.test(t)) {
      if (prev) readContinuation(t, prev);
      else if (!skipping) part.problems.push(problem(file, line, msg.orphanContinuation));
      continue;
    }
    let body = t;
    const first = t.split(/\s+/, 1)[0];
    if (netid || (NETIDS.has(first) && !stateFromWord(first))) {
      if (first !== 'tcp') { prev = undefined; skipping = true; continue; }
      body = t.slice(first.length).trimStart();
    }
    skipping = false;
    const m = ROW.exec(body);
    const state = m ? stateFromWord(m[1]) : undefined;
    // Without -n ss prints service names; with -r host names too.
    const names = { names: true, services: options.services };
    const local = m ? parseEndpoint(m[4], ':', star, names) : undefined;
    const peer = m ? parseEndpoint(m[5], ':', local?.family ?? star, names) : undefined;
    if (!m || !state || !local || !peer) {
      prev = undefined;
      const why = !m ? msg.notRow('ss', 'State Recv-Q Send-Q Local Peer')
        : !state ? msg.unknownState(m[1])
          : msg.badAddress(!local ? m[4] : m[5], msg.hintNamesOrCut('ss -n'));
      part.problems.push(badRow(file, line, last, truncated, why));
      continue;
    }
    const s: SocketRecord = {
      state, family: local.family,
      localAddress: local.address, localPort: local.port,
      remoteAddress: peer.address, remotePort: peer.port,
      recvQ: Number(m[2]), sendQ: Number(m[3]),
    };
    if (local.service !== undefined) s.localService = local.service;
    if (peer.service !== undefined) s.remoteService = peer.service;
    readExtras(m[6], s);
    // -O prints the -i words on the row itself.
    if (/\s(rtt|cwnd|rto|lastsnd):/.test(m[6])) {
      readContinuation(m[6].replace(/users:\(\(.*?\)\)(?=\s|$)|timer:\([^)]*\)|(?:uid|ino|sk|cgroup|v6only|fwmark):\S+|<->|-->|<--|---/g, ' '), s);
    }
    // A pid 0, a negative or 1e+21 figure: no ss prints it, so the row is an error, not a socket.
    const bad = socketValueProblem(s);
    if (bad) { prev = undefined; skipping = true; part.problems.push(badRow(file, line, last, truncated, bad)); continue; }
    if (s.processes) sawP = true;
    part.sockets!.push(s);
    prev = s;
  }
  part.hasProcesses = sawP;
  return part;
}

export const ssParser: FormatParser = {
  id: 'ss',
  description: 'iproute2 ss -tan, with any of -p -o -i -e -m -H',
  example: 'ss -tanpoe',
  sniff(lines) {
    if (lines.some((l) => HEADER.test(l))) return 0.95;
    // Headerless (-H): rows start with an ss state word (ESTAB, SYN-RECV, UNCONN are ss-only spellings).
    // No other tool starts a row with the state word followed by the two queues.
    if (lines.some((l) => STATELESS_HEADER.test(l))) return 0.9;
    let rows = 0; let cont = 0;
    for (const l of lines) {
      if (/^\t/.test(l)) { if (rows) cont++; continue; } // -i continuation, after a row
      // The first six words decide (a long line is not split further).
      const w = l.trim().split(/\s+/, 6);
      const off = NETIDS.has(w[0]) ? 1 : 0;
      if (/^\S/.test(l) && w.length >= 5 + off && stateFromWord(w[off]) && /^\d+$/.test(w[off + 1]) && /^\d+$/.test(w[off + 2]) && /:/.test(w[off + 3])) rows++;
    }
    return rows > 0 && rows + cont >= lines.length * 0.8 ? 0.8 : 0;
  },
  parse: parseSs,
};
