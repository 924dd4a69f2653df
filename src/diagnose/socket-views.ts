// The views behind `tcplens states` and `tcplens ls`: per-state counts grouped by process, local
// port or remote address, and a filtered, sorted socket listing formatted like ss. Pure.
import type { Lang } from '../i18n/lang.js';
import type { HostSnapshot, SocketRecord } from '../model/snapshot.js';
import { TCP_STATES, type TcpState } from '../model/states.js';
import { endpoint, ownerOf, socketAgeMs, osOf } from './facts.js';
import { stateCounts, zeroCounts } from './state-counts.js';
import { ageRangeLong } from './age-text.js';

export type GroupBy = 'process' | 'lport' | 'raddr';
export const GROUP_BYS: readonly GroupBy[] = ['process', 'lport', 'raddr'];

export interface StateGroup {
  key: string;
  pid?: number;
  process?: string;
  port?: number;
  address?: string;
  total: number;
  states: Record<TcpState, number>;
}

/** Counts per state for each process / local port / remote address, biggest group first. */
export function groupStates(s: HostSnapshot, by: GroupBy): StateGroup[] {
  const m = new Map<string, StateGroup>();
  for (const k of s.sockets) {
    let key: string; let g: Omit<StateGroup, 'total' | 'states'>;
    if (by === 'process') {
      const o = ownerOf(s, k);
      // TIME-WAIT, orphans and request sockets have no owner: say so instead of hiding them.
      key = o ? `${o.name ?? '?'}/${o.pid}` : '-';
      g = o ? { key, pid: o.pid, ...(o.name ? { process: o.name } : {}) } : { key };
    } else if (by === 'lport') {
      key = String(k.localPort); g = { key, port: k.localPort };
    } else {
      key = k.state === 'LISTEN' ? '*' : k.remoteAddress; g = { key, address: key };
    }
    let e = m.get(key);
    if (!e) { e = { ...g, total: 0, states: zeroCounts() }; m.set(key, e); }
    e.total++; e.states[k.state]++;
  }
  return [...m.values()].sort((a, b) => b.total - a.total || a.key.localeCompare(b.key, 'en', { numeric: true }));
}

/** States shown as columns: those present (or all eleven with `all`). */
export function shownStates(counts: Record<TcpState, number>, all: boolean): TcpState[] {
  return TCP_STATES.filter((st) => all || counts[st] > 0);
}

/** Terminal columns a string takes: CJK and full-width characters take two. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

function pad(s: string, w: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, w - displayWidth(s)));
  return right ? fill + s : s + fill;
}

function table(rows: string[][], right: (col: number) => boolean): string {
  // A loop, not Math.max(...column): a listing of a busy host has more rows than a call can take arguments.
  const w = rows[0].map(() => 0);
  for (const r of rows) for (let i = 0; i < w.length; i++) w[i] = Math.max(w[i], displayWidth(r[i]));
  return rows.map((r) => r.map((c, i) => pad(c, w[i], right(i))).join('  ').trimEnd()).join('\n') + '\n';
}

const HEAD: Record<string, Record<Lang, string>> = {
  state: { en: 'STATE', zh: '状态' }, count: { en: 'COUNT', zh: '数量' }, total: { en: 'TOTAL', zh: '合计' },
  process: { en: 'PROCESS/PID', zh: '进程/PID' }, lport: { en: 'LOCAL-PORT', zh: '本地端口' }, raddr: { en: 'REMOTE-ADDRESS', zh: '远端地址' },
};

export function renderStateCounts(counts: Record<TcpState, number>, all: boolean, lang: Lang): string {
  const rows = [[HEAD.state[lang], HEAD.count[lang]]];
  let total = 0;
  for (const st of shownStates(counts, all)) { rows.push([st, String(counts[st])]); total += counts[st]; }
  rows.push([HEAD.total[lang], String(total)]);
  return table(rows, (i) => i >= 1);
}

export function renderStateGroups(groups: StateGroup[], by: GroupBy, all: boolean, lang: Lang): string {
  const sum = zeroCounts();
  for (const g of groups) for (const st of TCP_STATES) sum[st] += g.states[st];
  const cols = shownStates(sum, all);
  const rows = [[HEAD[by][lang], HEAD.total[lang], ...cols]];
  for (const g of groups) rows.push([g.key, String(g.total), ...cols.map((c) => String(g.states[c]))]);
  return table(rows, (i) => i >= 1);
}

export interface SocketFilter { states?: TcpState[]; port?: number; pid?: number }

export function filterSockets(s: HostSnapshot, f: SocketFilter): SocketRecord[] {
  const order = new Map(TCP_STATES.map((st, i) => [st, i]));
  return s.sockets
    .filter((k) => !f.states || f.states.includes(k.state))
    .filter((k) => f.port === undefined || k.localPort === f.port || k.remotePort === f.port)
    .filter((k) => f.pid === undefined || (k.processes ?? []).some((p) => p.pid === f.pid))
    .map((k, i) => ({ k, i }))
    .sort((a, b) => (order.get(a.k.state) ?? 0) - (order.get(b.k.state) ?? 0) || a.k.localPort - b.k.localPort || a.i - b.i)
    .map((x) => x.k);
}

function peer(k: SocketRecord): string {
  return k.state === 'LISTEN' && k.remotePort === 0 && k.remoteService === undefined ? '*' : endpoint(k.remoteAddress, k.remotePort, k.remoteService);
}

/** One line per socket, columns like `ss -tanpo` plus the age where it is known. */
export function renderSocketList(s: HostSnapshot, socks: SocketRecord[], lang: Lang): string {
  const os = osOf(s);
  const head = lang === 'zh'
    ? ['状态', 'Recv-Q', 'Send-Q', '本地地址:端口', '对端地址:端口', '进程', '定时器', '时长']
    : ['State', 'Recv-Q', 'Send-Q', 'Local Address:Port', 'Peer Address:Port', 'Process', 'Timer', 'Age'];
  const rows = [head];
  for (const k of socks) {
    const procs = (k.processes ?? []).map((p) => `${p.name ?? s.processes.find((x) => x.pid === p.pid)?.name ?? '?'}/${p.pid}`).join(',');
    const timer = k.timer && k.timer.kind !== 'off' ? `${k.timer.kind},${(k.timer.remainingMs / 1000).toFixed(k.timer.remainingMs < 10_000 ? 1 : 0)}s${k.timer.retransmits !== undefined ? `,${k.timer.retransmits}` : ''}` : '';
    const age = ageRangeLong(k.ageRange, socketAgeMs(k, os), lang);
    rows.push([k.state, k.recvQ === undefined ? '-' : String(k.recvQ), k.sendQ === undefined ? '-' : String(k.sendQ),
      endpoint(k.localAddress, k.localPort, k.localService), peer(k), procs || '-', timer || '-', age ?? '-']);
  }
  return table(rows, (i) => i === 1 || i === 2);
}

export { stateCounts };
