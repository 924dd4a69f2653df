// `tcplens explain STATE` as data and as text, drawn from the transitions table and STATE_INFO.
import type { Lang, Text } from '../i18n/lang.js';
import { LINUX_CODE_OF, TCP_STATES, TOOL_SPELLING, type TcpState } from '../model/states.js';
import type { RuleId } from './finding.js';
import type { CauseId } from '../core/transitions.js';
import { STATE_INFO, stateInfo } from './state-info.js';
import type { GiveUpSettings } from './give-up-figures.js';
import { TRANSITIONS, waysIn, waysOut, type Transition } from './transitions.js';

export interface ExplainTransition {
  from: TcpState; to: TcpState;
  /** The cause ids of core's table, in its order; `event` is their words. */
  causes: CauseId[];
  event: string; rule: string; sends?: string; note?: string;
}

export interface Explanation {
  state: TcpState;
  spellings: { ss: string; netstat: string; procCode: string };
  meaning: string;
  who: string;
  waysIn: ExplainTransition[];
  waysOut: ExplainTransition[];
  ends: string;
  many: string;
  rules: RuleId[];
}

function tr(t: Transition, lang: Lang): ExplainTransition {
  const out: ExplainTransition = { from: t.from, to: t.to, causes: t.causes, event: t.event[lang], rule: t.rule };
  if (t.action) out.sends = t.action[lang];
  if (t.note) out.note = t.note[lang];
  return out;
}

/** `settings`: a host's sysctls for the give-up times (giveUpSettingsOf); Linux's defaults without. */
export function explainState(state: TcpState, lang: Lang, settings?: Readonly<GiveUpSettings>): Explanation {
  const info = settings ? stateInfo(settings)[state] : STATE_INFO[state];
  return {
    state,
    spellings: { ss: TOOL_SPELLING.ss[state], netstat: TOOL_SPELLING.netstat[state], procCode: LINUX_CODE_OF[state].toString(16).padStart(2, '0').toUpperCase() },
    meaning: info.meaning[lang], who: info.who[lang],
    waysIn: waysIn(state, settings).map((t) => tr(t, lang)), waysOut: waysOut(state, settings).map((t) => tr(t, lang)),
    ends: info.ends[lang], many: info.many[lang], rules: info.rules,
  };
}

const H: Record<string, Text> = {
  also: { en: 'Also written', zh: '其他写法' },
  meaning: { en: 'What it means', zh: '含义' },
  who: { en: 'Who is in it', zh: '处于该状态的一方' },
  in: { en: 'How a connection gets here', zh: '如何进入' },
  out: { en: 'How it leaves', zh: '如何离开' },
  ends: { en: 'What ends it on Linux', zh: 'Linux 上什么会结束它' },
  many: { en: 'Many of them on a server', zh: '服务器上大量出现时' },
  rules: { en: 'Checked by tcplens doctor rule', zh: 'tcplens doctor 检查规则' },
  sends: { en: 'sends', zh: '发送' },
  none: { en: '(none)', zh: '（无）' },
};

function transitionLines(ts: ExplainTransition[], lang: Lang): string[] {
  if (ts.length === 0) return [`  ${H.none[lang]}`];
  const w = Math.max(...ts.map((t) => `${t.from} → ${t.to}`.length));
  return ts.flatMap((t) => {
    const arrow = `${t.from} → ${t.to}`.padEnd(w);
    const sends = t.sends ? (lang === 'zh' ? `；${H.sends.zh} ${t.sends}` : `; ${H.sends.en} ${t.sends}`) : '';
    const line = `  ${arrow}  ${t.event}${sends}`;
    return t.note ? [line, `  ${' '.repeat(w)}  · ${t.note}`] : [line];
  });
}

export function renderExplanation(e: Explanation, lang: Lang): string {
  const lines = [
    e.state,
    `  ${H.also[lang]}: ss ${e.spellings.ss}, netstat ${e.spellings.netstat}, /proc/net/tcp st=${e.spellings.procCode}`,
    '', H.meaning[lang], `  ${e.meaning}`,
    '', H.who[lang], `  ${e.who}`,
    '', H.in[lang], ...transitionLines(e.waysIn, lang),
    '', H.out[lang], ...transitionLines(e.waysOut, lang),
    '', H.ends[lang], `  ${e.ends}`,
    '', H.many[lang], `  ${e.many}`,
  ];
  if (e.rules.length) lines.push('', `${H.rules[lang]}: ${e.rules.join(', ')}`);
  return lines.join('\n') + '\n';
}

/** `explain --list`: every state with its one-line meaning. */
export function renderStateList(lang: Lang): string {
  const w = Math.max(...TCP_STATES.map((s) => s.length));
  return TCP_STATES.map((s) => `${s.padEnd(w)}  ${STATE_INFO[s].meaning[lang]}`).join('\n') + '\n';
}

/**
 * The state diagram as Mermaid `stateDiagram-v2`, drawn from the transitions table (never by hand);
 * with a state, only the transitions into and out of it. Labels keep the first event's first clause.
 */
export function renderMermaid(lang: Lang, state?: TcpState): string {
  const id = (st: TcpState): string => st.replace(/-/g, '_');
  const rows = TRANSITIONS.filter((t) => !state || t.from === state || t.to === state);
  const lines = ['stateDiagram-v2'];
  if (!state || state === 'CLOSED') lines.push('    [*] --> CLOSED');
  for (const t of rows) {
    const label = t.events[0][lang].split(/;|；|:|：|\s\(|（|, or /)[0].trim();
    const sends = t.action ? ` / ${t.action[lang]}` : '';
    lines.push(`    ${id(t.from)} --> ${id(t.to)}: ${label}${sends}`);
  }
  return lines.join('\n') + '\n';
}
