// Small bilingual phrases the rules put together: durations, owners, peers. Each returns a `Text`
// so a finding is complete in both languages before `--lang` picks one.
import type { Text } from '../i18n/lang.js';
import type { AgeStats, PeerCount } from './finding.js';
import { endpoint, type Owner } from './facts.js';

export function tx(en: string, zh: string): Text {
  return { en, zh };
}

/** Join Texts with a separator per language. */
export function join(parts: Text[], sep: Text = tx(' ', '')): Text {
  return {
    en: parts.map((p) => p.en).filter((x) => x !== '').join(sep.en),
    zh: parts.map((p) => p.zh).filter((x) => x !== '').join(sep.zh),
  };
}

/** 7875000 ms → "2 h 11 min 15 s" / "2 小时 11 分 15 秒". Sub-second values keep one decimal. */
export function duration(ms: number): Text {
  if (ms < 1000) return tx(`${(ms / 1000).toFixed(1)} s`, `${(ms / 1000).toFixed(1)} 秒`);
  let s = Math.round(ms / 1000);
  const d = Math.floor(s / 86400); s -= d * 86400;
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  const en: string[] = []; const zh: string[] = [];
  if (d) { en.push(`${d} d`); zh.push(`${d} 天`); }
  if (h) { en.push(`${h} h`); zh.push(`${h} 小时`); }
  if (m) { en.push(`${m} min`); zh.push(`${m} 分`); }
  if (s || en.length === 0) { en.push(`${s} s`); zh.push(`${s} 秒`); }
  return tx(en.join(' '), zh.join(' '));
}

export function owner(o: Owner | undefined): Text {
  if (!o) return tx('an unknown process', '未知进程');
  // A Windows netstat -ano or a ps-less paste names the pid only: say that, not "? (pid N)".
  if (o.name === undefined) return tx(`pid ${o.pid}`, `pid ${o.pid} `);
  return tx(`${o.name} (pid ${o.pid})`, `${o.name}（pid ${o.pid}）`);
}

export function peersText(peers: PeerCount[], distinct: number): Text {
  const list = peers.map((p) => `${p.port === undefined ? p.address : endpoint(p.address, p.port)} ×${p.count}`).join(', ');
  const more = distinct > peers.length ? distinct - peers.length : 0;
  return tx(
    more ? `${list} and ${more} more` : list,
    more ? `${list} 等另 ${more} 个` : list,
  );
}

export function agesText(a: AgeStats | undefined): Text | undefined {
  if (!a) return undefined;
  if (Math.round(a.minMs / 1000) === Math.round(a.maxMs / 1000)) return join([tx('in this state for', '处于该状态已'), duration(a.maxMs)]);
  return join([tx('in this state for', '处于该状态已'), duration(a.minMs), tx('to', '至'), duration(a.maxMs),
    tx(`(median ${fmtMs(a.medianMs)})`, `（中位数 ${fmtMs(a.medianMs)}）`)]);
}

function fmtMs(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

export function pct(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10}%`;
}

/** The standard note when sockets have no owner in the source. */
export const NO_PROCESS_INFO: Text = tx(
  'The source has no process information for these sockets: run tcplens as root, or paste `ss -tanp` (or `netstat -antp`) taken as root.',
  '数据源没有这些套接字的进程信息：请以 root 运行 tcplens，或粘贴以 root 执行的 `ss -tanp`（或 `netstat -antp`）输出。',
);
