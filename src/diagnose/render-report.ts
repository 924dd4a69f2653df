// The doctor's report as text a person reads, a pure function of the report (the CLI and the web UI
// pick only the width, the colour and how much to show):
//   1. one screen first: the source, the state histogram, the verdict with its counts, and one row
//      per finding — severity, rule, who, where, how many, for how long;
//   2. then each finding in detail, wrapped to the width: what, evidence in words (never the JSON's
//      keys), why, what to do with its caveats, what the input lacked;
//   3. then what the input could not show.
// `brief` stops after 1. By default only warnings and critical findings get a detail block (an
// info finding is one row: a healthy host reads as a few lines); `verbose` details every finding
// with its evidence in full (sysctls, every peer and pid kept).
import type { Lang, Text } from '../i18n/lang.js';
import { displayWidth, padEnd, wrap } from '../i18n/text-width.js';
import { TCP_STATES } from '../model/states.js';
import type { DoctorReport, Evidence, Finding, Severity } from './finding.js';
import { endpoint } from './facts.js';
import { evidenceWords, recordWords, thousands } from './evidence-words.js';
import { duration } from './words.js';

export type Detail = 'brief' | 'normal' | 'verbose';

export interface RenderOptions {
  /** Terminal columns to wrap to (default 80). */
  width?: number;
  /** ANSI colours (the CLI decides: a terminal, NO_COLOR, --color). */
  color?: boolean;
  detail?: Detail;
}

const L: Record<string, Text> = {
  sockets: { en: 'sockets', zh: '个套接字' },
  noSockets: { en: 'no TCP sockets', zh: '没有 TCP 套接字' },
  evidence: { en: 'evidence', zh: '证据' },
  why: { en: 'why', zh: '原因' },
  todo: { en: 'what to do', zh: '怎么办' },
  caveat: { en: 'caveat', zh: '注意' },
  missing: { en: 'not in input', zh: '输入缺少' },
  notes: { en: 'What the input could not show', zh: '输入无法反映的内容' },
  owner: { en: 'owner', zh: '属主' },
  listener: { en: 'listener', zh: '监听进程' },
  likely: { en: 'likely', zh: '可能是' },
  ownerUnknown: { en: 'owner unknown', zh: '属主未知' },
  orphaned: { en: 'orphaned (no process)', zh: '孤儿（无进程）' },
  hostWide: { en: 'host-wide', zh: '全机' },
  port: { en: 'port', zh: '端口' },
  localPort: { en: 'local port', zh: '本地端口' },
  toward: { en: 'toward', zh: '连向' },
  peers: { en: 'peers', zh: '对端' },
  more: { en: 'more', zh: '个其他' },
  inState: { en: 'in state', zh: '状态时长' },
  median: { en: 'median', zh: '中位数' },
  upTo: { en: 'up to', zh: '最长' },
  sinceBoot: { en: 'since boot', zh: '开机以来' },
  ageUnknown: { en: 'age unknown', zh: '时长未知' },
  server: { en: 'server side', zh: '服务端' },
  client: { en: 'client side', zh: '客户端' },
  source: { en: 'source', zh: '数据源' },
  recvQUnknown: { en: 'Recv-Q not in the input', zh: '输入中没有 Recv-Q' },
  pids: { en: 'pids', zh: 'pid' },
};

export const SEVERITY_LABEL: Record<Severity, Text> = {
  critical: { en: 'CRITICAL', zh: '严重' },
  warning: { en: 'WARNING', zh: '警告' },
  info: { en: 'INFO', zh: '提示' },
};

interface Paint { sev: (s: Severity, t: string) => string; bold: (t: string) => string; dim: (t: string) => string }
const PLAIN: Paint = { sev: (_s, t) => t, bold: (t) => t, dim: (t) => t };
const SEV_CODE: Record<Severity, string> = { critical: '1;31', warning: '1;33', info: '36' };
const ANSI: Paint = {
  sev: (s, t) => `\u001b[${SEV_CODE[s]}m${t}\u001b[0m`,
  bold: (t) => `\u001b[1m${t}\u001b[0m`,
  dim: (t) => `\u001b[2m${t}\u001b[0m`,
};

// ---- the one-line facts of a finding (summary row) ----

/** Who holds the sockets: `java (pid 4711)`, `pid 5124` when the input has no name, or unknown. */
export function whoText(e: Evidence, lang: Lang): string {
  // Orphans have no process by definition (the application closed them): say so, not "unknown".
  if (e.pid === undefined && (e.figures?.orphaned ?? 0) > 0) return L.orphaned[lang];
  if (e.pid === undefined) return e.state || e.count !== undefined ? L.ownerUnknown[lang] : L.hostWide[lang];
  const name = e.process === undefined ? `pid ${e.pid}` : lang === 'zh' ? `${e.process}（pid ${e.pid}）` : `${e.process} (pid ${e.pid})`;
  if (e.attribution === 'listener') return `${L.listener[lang]} ${name}`;
  if (e.attribution === 'destination') return `${L.likely[lang]} ${name}`;
  return name;
}

function whereText(e: Evidence, lang: Lang): string {
  if (e.localPort !== undefined) return `${L.port[lang]} ${e.localService ?? e.localPort}`;
  if (e.destination) return `→ ${e.destination}`;
  const p = e.peers?.length === 1 && e.distinctPeers === 1 ? e.peers[0] : undefined;
  if (p) return `→ ${p.port === undefined ? p.address : endpoint(p.address, p.port)}`;
  return '';
}

function howManyText(e: Evidence): string {
  if (e.state === 'LISTEN') return 'LISTEN';
  if (e.count !== undefined) return `${thousands(e.count)}${e.state ? ` ${e.state}` : ''}`;
  return e.state ?? '';
}

function sinceText(e: Evidence, lang: Lang): string {
  const a = e.ages;
  if (a) {
    const same = Math.round(a.minMs / 1000) === Math.round(a.maxMs / 1000);
    return same ? duration(a.maxMs)[lang] : `${L.upTo[lang]} ${duration(a.maxMs)[lang]}`;
  }
  const win = e.figures?.windowSeconds ?? (e.figures?.windowMs !== undefined ? e.figures.windowMs / 1000 : undefined);
  if (win !== undefined) return lang === 'zh' ? `最近 ${duration(win * 1000).zh}` : `last ${duration(win * 1000).en}`;
  if (e.counters && Object.keys(e.counters).length > 0 && e.count === undefined) return L.sinceBoot[lang];
  if (e.count !== undefined && e.state !== 'LISTEN') return L.ageUnknown[lang];
  return '';
}

/**
 * The summary rows: severity and rule aligned, then who · where · how many · how long. A finding
 * about the whole host (a sysctl, a counter) has none of those: its own one-line summary stands in.
 */
function summaryRows(fs: readonly Finding[], lang: Lang, width: number, paint: Paint): string[] {
  const sevW = Math.max(0, ...fs.map((f) => displayWidth(SEVERITY_LABEL[f.severity][lang])));
  const idW = Math.max(0, ...fs.map((f) => f.id.length));
  return fs.map((f) => {
    const e = f.evidence;
    const facts = e.pid === undefined && e.count === undefined && e.localPort === undefined && !e.destination
      ? [f.summary]
      : [whoText(e, lang), whereText(e, lang), howManyText(e), sinceText(e, lang)].filter((x) => x !== '');
    const sev = SEVERITY_LABEL[f.severity][lang];
    const lead = `  ${padEnd(sev, sevW)}  ${padEnd(f.id, idW)}  `;
    // Too long for the width: the facts wrap under themselves rather than lose their end.
    const rows = wrap(facts.join(' · '), width, lead, ' '.repeat(displayWidth(lead)));
    // Colour only the severity word, after the layout is decided on plain text.
    rows[0] = rows[0].replace(sev, paint.sev(f.severity, sev));
    return rows.join('\n');
  });
}

function verdictLine(r: DoctorReport, lang: Lang, paint: Paint): string {
  const b = r.summary.bySeverity;
  const w = r.summary.worst;
  if (lang === 'zh') {
    const counts = `严重 ${b.critical}，警告 ${b.warning}，提示 ${b.info}`;
    return w === 'none' || w === 'info'
      ? `结论：${paint.bold('健康')}——没有警告或更严重的发现（${counts}）`
      : `结论：${paint.sev(w, SEVERITY_LABEL[w].zh)}——${counts}`;
  }
  const counts = `${b.critical} critical, ${b.warning} warning${b.warning === 1 ? '' : 's'}, ${b.info} info`;
  return w === 'none' || w === 'info'
    ? `Verdict: ${paint.bold('healthy')} — nothing at warning or above (${counts})`
    : `Verdict: ${paint.sev(w, SEVERITY_LABEL[w].en)} — ${counts}`;
}

// ---- the detail block of one finding ----

function peersWords(e: Evidence, lang: Lang, verbose: boolean): string | undefined {
  if (!e.peers || e.peers.length === 0 || (e.destination && e.peers.length === 1)) return undefined;
  const shown = verbose ? e.peers : e.peers.slice(0, 3);
  const list = shown.map((p) => `${p.port === undefined ? p.address : endpoint(p.address, p.port)} ×${p.count}`).join(', ');
  const more = (e.distinctPeers ?? e.peers.length) - shown.length;
  return `${L.peers[lang]} ${list}${more > 0 ? (lang === 'zh' ? `（另 ${more} 个）` : ` (+${more} ${L.more[lang]})`) : ''}`;
}

/** The evidence in words a person reads, one phrase each. */
export function evidencePhrases(e: Evidence, lang: Lang, verbose = false): string[] {
  const out: string[] = [];
  const many = howManyText(e);
  if (many) out.push(many);
  if (e.pid !== undefined) {
    const who = whoText(e, lang);
    out.push(e.attribution === undefined || e.attribution === 'socket' ? `${L.owner[lang]} ${who}` : who);
  }
  if (e.pids && e.pids.length > 1) {
    out.push(verbose ? `${L.pids[lang]} ${e.pids.join(', ')}` : lang === 'zh' ? `共 ${e.pids.length} 个进程` : `${e.pids.length} processes`);
  }
  if (e.side) out.push(L[e.side][lang]);
  if (e.localPort !== undefined) out.push(`${L.localPort[lang]} ${e.localAddress ? endpoint(e.localAddress, e.localPort, e.localService) : e.localService ?? e.localPort}`);
  if (e.destination) out.push(`${L.toward[lang]} ${e.destination}`);
  const peers = peersWords(e, lang, verbose);
  if (peers) out.push(peers);
  if (e.ages) {
    const a = e.ages;
    const same = Math.round(a.minMs / 1000) === Math.round(a.maxMs / 1000);
    out.push(same ? `${L.inState[lang]} ${duration(a.maxMs)[lang]}`
      : `${L.inState[lang]} ${duration(a.minMs)[lang]}–${duration(a.maxMs)[lang]}${lang === 'zh' ? `（${L.median.zh} ${duration(a.medianMs).zh}）` : ` (${L.median.en} ${duration(a.medianMs).en})`}`);
  }
  if (e.queues) {
    const q = e.queues;
    // A source without Recv-Q (Windows netstat) leaves both CLOSE-WAIT counts at 0: say unknown, not 0.
    const unknownRecvQ = 'withUnread' in q && (q.withUnread ?? 0) + (q.withoutUnread ?? 0) === 0 && (e.count ?? 0) > 0;
    if (unknownRecvQ) out.push(L.recvQUnknown[lang]);
    else out.push(...Object.entries(q).filter(([k, v]) => verbose || v !== 0 || !k.startsWith('with')).map(([k, v]) => evidenceWords(k, v, lang)));
  }
  if (e.figures) out.push(...recordWords(e.figures, lang));
  if (e.counters) out.push(...recordWords(e.counters, lang));
  if (e.sysctls && verbose) out.push(...Object.entries(e.sysctls).map(([k, v]) => `${k} = ${v}`));
  return out;
}

interface Layout { width: number; labelW: number; paint: Paint; lang: Lang; verbose: boolean }

/** A labelled paragraph: `  why        text…` with the text wrapped under itself. */
function labelled(label: string, text: string, o: Layout): string[] {
  const head = `  ${padEnd(label, o.labelW)}`;
  return wrap(text, o.width, head, ' '.repeat(displayWidth(head))).map((l, i) => (i === 0 ? `  ${o.paint.dim(padEnd(label, o.labelW))}${l.slice(head.length)}` : l));
}

function detailBlock(f: Finding, index: number, total: number, o: Layout): string[] {
  const { lang, paint } = o;
  const sev = SEVERITY_LABEL[f.severity][lang];
  const title = `[${index}/${total}] ${sev}  ${f.id}`;
  const rule = '─'.repeat(Math.max(3, Math.min(o.width, 80) - displayWidth(title) - 1));
  const out = [`${paint.sev(f.severity, `[${index}/${total}] ${sev}`)}  ${paint.bold(f.id)} ${paint.dim(rule)}`];
  out.push(...wrap(f.summary, o.width, '  ', '  ').map((l) => paint.bold(l)));
  const ev = evidencePhrases(f.evidence, lang, o.verbose);
  if (ev.length) out.push(...labelled(L.evidence[lang], ev.join(' · '), o));
  out.push(...labelled(L.why[lang], f.explanation, o));
  const indent = ' '.repeat(2 + o.labelW);
  f.fixes.forEach((x, i) => {
    const num = `${i + 1}. `;
    const label = i === 0 ? `  ${paint.dim(padEnd(L.todo[lang], o.labelW))}` : indent;
    out.push(...wrap(x.text, o.width, indent + num, indent + ' '.repeat(num.length)).map((l, j) => (j === 0 ? label + l.slice(indent.length) : l)));
    if (x.caveat) {
      const cav = `${L.caveat[lang]}${lang === 'zh' ? '：' : ': '}`;
      const sub = indent + ' '.repeat(num.length);
      out.push(...wrap(x.caveat, o.width, sub + cav, sub + ' '.repeat(displayWidth(cav))).map((l, j) => (j === 0 ? sub + paint.dim(cav) + l.slice(sub.length + cav.length) : l)));
    }
  });
  for (const m of f.missing ?? []) out.push(...labelled(L.missing[lang], m, o));
  return out;
}

// ---- the whole report ----

export function histogramLine(states: DoctorReport['summary']['states']): string {
  return TCP_STATES.filter((s) => states[s] > 0).map((s) => `${s} ${states[s]}`).join(' · ');
}

function folderSummary(files: number, kinds: string, lang: Lang): string {
  return lang === 'zh' ? `（${files} 个文件：${kinds}）` : ` (${files} files: ${kinds})`;
}

function layoutFor(lang: Lang, opts: RenderOptions): Layout {
  const labels = [L.evidence, L.why, L.todo, L.missing].map((t) => displayWidth(t[lang]));
  return {
    width: Math.max(40, opts.width ?? 80), labelW: Math.max(...labels) + 2,
    paint: opts.color ? ANSI : PLAIN, lang, verbose: opts.detail === 'verbose',
  };
}

/** One finding's detail block (as `doctor` prints it under the summary). */
export function renderFinding(f: Finding, lang: Lang, opts: RenderOptions = {}): string {
  return detailBlock(f, 1, 1, layoutFor(lang, opts)).join('\n');
}

export function renderReport(r: DoctorReport, lang: Lang, opts: RenderOptions = {}): string {
  const o = layoutFor(lang, opts);
  const detail = opts.detail ?? 'normal';
  const out: string[] = [];
  // A folder lists its formats once, not every file.
  const folder = r.source.kinds.indexOf('folder');
  const src = folder >= 0
    ? `${r.source.origins[folder]}${folderSummary(r.source.kinds.length - 1, [...new Set(r.source.kinds.filter((k) => k !== 'folder'))].join(', '), lang)}`
    : r.source.origins.map((x, i) => `${r.source.kinds[i]} ${x}`).join(', ');
  const colon = lang === 'zh' ? '：' : ': ';
  out.push(...wrap(`tcplens doctor — ${L.source[lang]}${colon}${src}${r.source.hostname ? ` (${r.source.hostname})` : ''}`, o.width, '', '  '));
  out.push(...(r.summary.total > 0 ? wrap(`${r.summary.total} ${L.sockets[lang]}${colon}${histogramLine(r.summary.states)}`, o.width, '', '  ') : [L.noSockets[lang]]));
  out.push(verdictLine(r, lang, o.paint));
  out.push(...summaryRows(r.findings, lang, o.width, o.paint));
  if (detail === 'brief') return out.join('\n') + '\n';
  const detailed = detail === 'verbose' ? r.findings : r.findings.filter((f) => f.severity !== 'info');
  detailed.forEach((f, i) => { out.push(''); out.push(...detailBlock(f, i + 1, detailed.length, o)); });
  const hidden = r.findings.length - detailed.length;
  if (r.summary.notes.length) {
    out.push('', `${L.notes[lang]}${lang === 'zh' ? '：' : ':'}`);
    for (const n of r.summary.notes) out.push(...wrap(n, o.width, '  - ', '    '));
  }
  if (hidden > 0) {
    out.push('', o.paint.dim(lang === 'zh' ? `（加 -v 查看 ${hidden} 条提示的详情）` : `(-v shows the details of ${hidden} info finding${hidden === 1 ? '' : 's'})`));
  }
  return out.join('\n') + '\n';
}
