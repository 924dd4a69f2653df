// Draws a LoadResult (a run over many connections) as one table per host: a row per sample (each
// virtual second), a column per state that ever holds a connection, then connect errors, queue
// lengths and the counters that moved. Columns come from the data, so a scenario adds nothing here.
import { t, type Lang, type Text } from '../i18n/lang.js';
import { displayWidth } from '../i18n/text-width.js';
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

/** The totals' keys in words (the JSON keeps the keys); kernel counter names stay as they are. */
const TOTAL_WORDS: Record<string, Text> = {
  attempted: { en: 'attempted', zh: '尝试连接' },
  established: { en: 'established', zh: '建立' },
  establishedOnClient: { en: 'established on the client', zh: '客户端建立' },
  accepted: { en: 'accepted', zh: '被 accept' },
  failed: { en: 'failed', zh: '失败' },
  slowConnects: { en: 'slower than 1 s', zh: '超过 1 秒' },
  resetAfterEstablished: { en: 'reset after established', zh: '建立后被重置' },
  peakAcceptQueue: { en: 'accept queue peak', zh: '全连接队列峰值' },
  effectiveBacklog: { en: 'effective backlog', zh: '实际 backlog' },
  connected: { en: 'connected', zh: '连上' },
  served: { en: 'served', zh: '已处理' },
  leaked: { en: 'leaked', zh: '泄漏' },
  serverCloseWaitAtEnd: { en: 'server CLOSE-WAIT at the end', zh: '结束时服务端 CLOSE-WAIT' },
  fdLimit: { en: 'fd limit', zh: 'fd 上限' },
  emfileAt_s: { en: 'EMFILE at (s)', zh: 'EMFILE 出现于（秒）' },
  connections: { en: 'connections', zh: '连接' },
  vanished: { en: 'vanished', zh: '消失' },
  serverEstablishedAtEnd: { en: 'server ESTABLISHED at the end', zh: '结束时服务端 ESTABLISHED' },
  idleClosed: { en: 'closed for idleness', zh: '因空闲关闭' },
  keepaliveDeadline_s: { en: 'keepalive deadline (s)', zh: '保活判死时限（秒）' },
  abortOnTimeout: { en: 'aborted on timeout', zh: '超时中止' },
  peakTimeWaitClient: { en: 'client TIME-WAIT peak', zh: '客户端 TIME-WAIT 峰值' },
  peakTimeWaitServer: { en: 'server TIME-WAIT peak', zh: '服务端 TIME-WAIT 峰值' },
  segments: { en: 'segments', zh: '报文' },
  spoofedSyns: { en: 'spoofed SYNs', zh: '伪造 SYN' },
  stillConnecting: { en: 'still connecting', zh: '仍在连接' },
};

/** `attempted=60000` in English as it always was; `尝试连接 60000` in Chinese. */
function totalText(k: string, v: number, lang: Lang): string {
  if (lang === 'en') return `${k}=${v}`;
  if (k.startsWith('errors:')) return `${k.slice(7)} 错误 ${v}`;
  const w = TOTAL_WORDS[k];
  return w ? `${w.zh} ${v}` : `${k} ${v}`;
}

const HEAD: Record<string, Text> = {
  t: { en: 't (s)', zh: '时间（秒）' },
  synQ: { en: 'synQ', zh: '半连接队列' },
  acceptQ: { en: 'acceptQ', zh: '全连接队列' },
  backlog: { en: 'backlog', zh: 'backlog' },
};

function table(head: string[], rows: string[][]): string[] {
  const w = head.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i]))));
  const pad = (c: string, n: number): string => ' '.repeat(Math.max(0, n - displayWidth(c))) + c;
  const line = (r: string[]): string => r.map((c, i) => pad(c, w[i])).join('  ');
  return [line(head), w.map((x) => '-'.repeat(x)).join('  '), ...rows.map(line)];
}

export function renderLoad(r: LoadResult, lang: Lang): string {
  const out: string[] = [];
  const params = Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ');
  out.push(`${r.scenario}${params ? (lang === 'zh' ? `  （${WORDS.params.zh}：${params}）` : `  (${WORDS.params.en}: ${params})`) : ''}`, '');
  if (r.samples.length === 0) out.push(t(WORDS.none, lang));
  const hosts = [...new Set(r.samples.flatMap((s) => [...Object.keys(s.states), ...Object.keys(s.queues ?? {}), ...Object.keys(s.counters ?? {})]))];
  const errKinds = [...new Set(r.samples.flatMap((s) => Object.keys(s.connectErrors)))];
  for (const host of hosts) {
    const states = TCP_STATES.filter((st: TcpState) => r.samples.some((s) => (s.states[host]?.[st] ?? 0) > 0));
    const hasQ = r.samples.some((s) => s.queues?.[host] !== undefined);
    const counterNames = [...new Set(r.samples.flatMap((s) => Object.keys(s.counters?.[host] ?? {})))]
      .filter((c) => r.samples.some((s) => (s.counters?.[host]?.[c] ?? 0) !== 0)).sort();
    const head = [t(HEAD.t, lang), ...states, ...(hasQ ? [t(HEAD.synQ, lang), t(HEAD.acceptQ, lang), t(HEAD.backlog, lang)] : []), ...counterNames.map((c) => c.replace(/^TcpExt:/, ''))];
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
    out.push(t(WORDS.errors, lang), ...table([t(HEAD.t, lang), ...errKinds], rows), '');
  }
  const totals = Object.entries(r.totals);
  const colon = lang === 'zh' ? '：' : ': ';
  if (totals.length) out.push(`${t(WORDS.totals, lang)}${colon}${totals.map(([k, v]) => totalText(k, v, lang)).join(lang === 'zh' ? '，' : ', ')}`, '');
  out.push(`${t(WORDS.conclusion, lang)}${colon}${t(r.conclusion, lang)}`);
  return out.join('\n') + '\n';
}
