// The doctor's report as text a person reads: a one-line state histogram, then each finding with
// severity, summary, evidence, why and what to do, then what the snapshot could not show.
import type { Lang, Text } from '../i18n/lang.js';
import { TCP_STATES } from '../model/states.js';
import type { DoctorReport, Evidence, Finding, Severity } from './finding.js';
import { endpoint } from './facts.js';
import { duration } from './words.js';

const L: Record<string, Text> = {
  sockets: { en: 'sockets', zh: '个套接字' },
  noSockets: { en: 'no TCP sockets', zh: '没有 TCP 套接字' },
  evidence: { en: 'evidence', zh: '证据' },
  why: { en: 'why', zh: '原因' },
  todo: { en: 'what to do', zh: '怎么办' },
  caveat: { en: 'caveat', zh: '注意' },
  missing: { en: 'not in the input', zh: '输入中缺少' },
  notes: { en: 'What the input could not show', zh: '输入无法反映的内容' },
  healthy: { en: 'No problems found (nothing at warning or above).', zh: '未发现问题（没有警告或更严重的发现）。' },
  process: { en: 'process', zh: '进程' },
  localPort: { en: 'local port', zh: '本地端口' },
  destination: { en: 'destination', zh: '目的地址' },
  peers: { en: 'peers', zh: '对端' },
  ages: { en: 'in state', zh: '状态时长' },
  median: { en: 'median', zh: '中位数' },
  side: { en: 'side', zh: '角色' },
  more: { en: 'more', zh: '个其他' },
  source: { en: 'source', zh: '数据源' },
  result: { en: 'result', zh: '结果' },
};

export const SEVERITY_LABEL: Record<Severity, Text> = {
  critical: { en: 'CRITICAL', zh: '严重' },
  warning: { en: 'WARNING', zh: '警告' },
  info: { en: 'INFO', zh: '提示' },
};

const kv = (o: Record<string, number | string>): string => Object.entries(o).map(([k, v]) => `${k}=${v}`).join(' ');

function evidenceLine(e: Evidence, lang: Lang): string {
  const parts: string[] = [];
  if (e.state === 'LISTEN') parts.push('LISTEN');
  else if (e.count !== undefined) parts.push(`${e.count}${e.state ? ` ${e.state}` : ''}`);
  else if (e.state) parts.push(e.state);
  if (e.pid !== undefined) parts.push(`${L.process[lang]} ${e.process ?? '?'} (pid ${e.pid})`);
  if (e.side) parts.push(`${L.side[lang]} ${e.side}`);
  if (e.localPort !== undefined) parts.push(`${L.localPort[lang]} ${e.localAddress ? endpoint(e.localAddress, e.localPort, e.localService) : e.localService ?? e.localPort}`);
  if (e.destination) parts.push(`${L.destination[lang]} ${e.destination}`);
  if (e.peers && e.peers.length && !(e.destination && e.peers.length === 1)) {
    const list = e.peers.map((p) => `${p.port === undefined ? p.address : endpoint(p.address, p.port)} ×${p.count}`).join(', ');
    const more = (e.distinctPeers ?? e.peers.length) - e.peers.length;
    parts.push(`${L.peers[lang]} ${list}${more > 0 ? ` (+${more} ${L.more[lang]})` : ''}`);
  }
  if (e.queues) parts.push(kv(e.queues));
  if (e.ages) {
    const same = Math.round(e.ages.minMs / 1000) === Math.round(e.ages.maxMs / 1000);
    parts.push(same ? `${L.ages[lang]} ${duration(e.ages.maxMs)[lang]}`
      : `${L.ages[lang]} ${duration(e.ages.minMs)[lang]}–${duration(e.ages.maxMs)[lang]} (${L.median[lang]} ${duration(e.ages.medianMs)[lang]})`);
  }
  if (e.sysctls) parts.push(kv(e.sysctls));
  if (e.counters) parts.push(kv(e.counters));
  if (e.figures) parts.push(kv(e.figures));
  return parts.join(' · ');
}

export function renderFinding(f: Finding, lang: Lang): string {
  const lines = [`${SEVERITY_LABEL[f.severity][lang]}  ${f.id}`, `  ${f.summary}`];
  const ev = evidenceLine(f.evidence, lang);
  if (ev) lines.push(`  ${L.evidence[lang]}: ${ev}`);
  lines.push(`  ${L.why[lang]}: ${f.explanation}`);
  if (f.fixes.length) {
    lines.push(`  ${L.todo[lang]}:`);
    f.fixes.forEach((x, i) => {
      lines.push(`    ${i + 1}. ${x.text}`);
      if (x.caveat) lines.push(`       ${L.caveat[lang]}: ${x.caveat}`);
    });
  }
  for (const m of f.missing ?? []) lines.push(`  ${L.missing[lang]}: ${m}`);
  return lines.join('\n');
}

/** `ESTABLISHED 900 · TIME-WAIT 300 · CLOSE-WAIT 34` in RFC order, zeros left out. */
export function histogramLine(states: DoctorReport['summary']['states']): string {
  return TCP_STATES.filter((s) => states[s] > 0).map((s) => `${s} ${states[s]}`).join(' · ');
}

function folderSummary(files: number, kinds: string, lang: Lang): string {
  return lang === 'zh' ? `（${files} 个文件：${kinds}）` : ` (${files} files: ${kinds})`;
}

export function renderReport(r: DoctorReport, lang: Lang): string {
  const out: string[] = [];
  // A folder lists its formats once, not every file.
  const folder = r.source.kinds.indexOf('folder');
  const src = folder >= 0
    ? `${r.source.origins[folder]}${folderSummary(r.source.kinds.length - 1, [...new Set(r.source.kinds.filter((k) => k !== 'folder'))].join(', '), lang)}`
    : r.source.origins.map((o, i) => `${r.source.kinds[i]} ${o}`).join(', ');
  out.push(`tcplens doctor — ${L.source[lang]}: ${src}${r.source.hostname ? ` (${r.source.hostname})` : ''}`);
  out.push(r.summary.total > 0 ? `${r.summary.total} ${L.sockets[lang]}: ${histogramLine(r.summary.states)}` : L.noSockets[lang]);
  out.push('');
  for (const f of r.findings) { out.push(renderFinding(f, lang)); out.push(''); }
  if (r.summary.worst === 'none' || r.summary.worst === 'info') { out.push(L.healthy[lang]); out.push(''); }
  if (r.summary.notes.length) {
    out.push(`${L.notes[lang]}:`);
    for (const n of r.summary.notes) out.push(`  - ${n}`);
    out.push('');
  }
  const b = r.summary.bySeverity;
  out.push(lang === 'zh'
    ? `${L.result.zh}：严重 ${b.critical}，警告 ${b.warning}，提示 ${b.info}`
    : `${L.result.en}: ${b.critical} critical, ${b.warning} warning, ${b.info} info`);
  return out.join('\n') + '\n';
}
