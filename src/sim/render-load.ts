// Draws a LoadResult (a run over many connections) as one table per host: a row per sample (each
// virtual second), a column per state that ever holds a connection, then connect errors, queue
// lengths and the counters that moved. Columns come from the data, so a scenario adds nothing here.
import { t, type Lang } from '../i18n/lang.js';
import { TCP_STATES, type TcpState } from '../model/states.js';
import type { LoadResult } from './scenario.js';

const WORDS = {
  host: { en: 'host', zh: '主机' },
  totals: { en: 'Totals', zh: '合计' },
  conclusion: { en: 'Conclusion', zh: '结论' },
  params: { en: 'Parameters', zh: '参数' },
  errors: { en: 'connect errors', zh: 'connect 错误' },
  none: { en: '(no samples)', zh: '（无采样）' },
};

function table(head: string[], rows: string[][]): string[] {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padStart(w[i]) : c.padStart(w[i]))).join('  ');
  return [line(head), w.map((x) => '-'.repeat(x)).join('  '), ...rows.map(line)];
}

export function renderLoad(r: LoadResult, lang: Lang): string {
  const out: string[] = [];
  const params = Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ');
  out.push(`${r.scenario}${params ? `  (${t(WORDS.params, lang)}: ${params})` : ''}`, '');
  if (r.samples.length === 0) out.push(t(WORDS.none, lang));
  const hosts = [...new Set(r.samples.flatMap((s) => [...Object.keys(s.states), ...Object.keys(s.queues ?? {}), ...Object.keys(s.counters ?? {})]))];
  const errKinds = [...new Set(r.samples.flatMap((s) => Object.keys(s.connectErrors)))];
  for (const host of hosts) {
    const states = TCP_STATES.filter((st: TcpState) => r.samples.some((s) => (s.states[host]?.[st] ?? 0) > 0));
    const hasQ = r.samples.some((s) => s.queues?.[host] !== undefined);
    const counterNames = [...new Set(r.samples.flatMap((s) => Object.keys(s.counters?.[host] ?? {})))]
      .filter((c) => r.samples.some((s) => (s.counters?.[host]?.[c] ?? 0) !== 0)).sort();
    const head = ['t (s)', ...states, ...(hasQ ? ['synQ', 'acceptQ', 'backlog'] : []), ...counterNames.map((c) => c.replace(/^TcpExt:/, ''))];
    const rows = r.samples.map((s) => {
      const q = s.queues?.[host];
      return [
        (s.at / 1000).toFixed(s.at % 1000 === 0 ? 0 : 1),
        ...states.map((st) => String(s.states[host]?.[st] ?? 0)),
        ...(hasQ ? [String(q?.synQueue ?? '-'), String(q?.acceptQueue ?? '-'), String(q?.backlog ?? '-')] : []),
        ...counterNames.map((c) => String(s.counters?.[host]?.[c] ?? 0)),
      ];
    });
    out.push(`${t(WORDS.host, lang)} ${host}`, ...table(head, rows), '');
  }
  if (errKinds.length) {
    const rows = r.samples.map((s) => [(s.at / 1000).toFixed(s.at % 1000 === 0 ? 0 : 1), ...errKinds.map((k) => String(s.connectErrors[k] ?? 0))]);
    out.push(t(WORDS.errors, lang), ...table(['t (s)', ...errKinds], rows), '');
  }
  const totals = Object.entries(r.totals);
  if (totals.length) out.push(`${t(WORDS.totals, lang)}: ${totals.map(([k, v]) => `${k}=${v}`).join(', ')}`, '');
  out.push(`${t(WORDS.conclusion, lang)}: ${t(r.conclusion, lang)}`);
  return out.join('\n') + '\n';
}
