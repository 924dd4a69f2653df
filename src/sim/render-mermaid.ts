// An ExchangeResult as a Mermaid sequence diagram (GitHub, GitLab and most wikis draw it from the
// text): one participant per host, an arrow per segment (a cross for a lost one), a note over a host
// when its state changes, calls and timers as notes, the conclusion as a note over all. The same
// rows as the text diagram, for pasting into a ticket.
import { t, type Lang } from '../i18n/lang.js';
import { causeText } from '../core/transitions.js';
import type { ExchangeResult } from './scenario.js';
import { TIMER_TEXT } from './recorder.js';
import { fmtTime } from './render-exchange.js';

/** Mermaid takes `;` and `#` as syntax in messages: write them as its entity codes. */
function safe(s: string): string {
  return s.replace(/#/g, '#35;').replace(/;/g, '#59;').replace(/\n/g, ' ');
}

export function renderMermaid(r: ExchangeResult, o: { lang: Lang; absolute?: boolean }): string {
  const L = o.lang;
  const ids = new Map(r.hosts.map((h, i) => [h.name, `H${i}`]));
  const id = (name: string): string => ids.get(name) ?? name;
  const out = ['sequenceDiagram'];
  for (const h of r.hosts) out.push(`  participant ${id(h.name)} as ${safe(h.label)}`);
  const last = new Map<string, string>();
  const states = (s: Record<string, string>): void => {
    for (const h of r.hosts) {
      if (h.box) continue;
      const st = s[h.name] ?? '-';
      if (last.get(h.name) !== st) out.push(`  Note over ${id(h.name)}: ${st}`);
      last.set(h.name, st);
    }
  };
  for (const s of r.steps) {
    if (s.kind === 'note') { out.push(`  Note over ${r.hosts.map((h) => id(h.name)).join(',')}: ${safe(t(s.text, L))}`); continue; }
    if (s.kind === 'segment') {
      const to = s.to ?? r.hosts.find((h) => h.name !== s.from)?.name ?? s.from;
      const text = o.absolute && s.textAbsolute ? s.textAbsolute : s.text;
      out.push(`  ${id(s.from)}${s.dropped ? '-x' : '->>'}${id(to)}: ${safe(`${fmtTime(s.at)} ${text}${s.dropped ? (L === 'zh' ? '（丢失）' : ' (lost)') : ''}`)}`);
    } else if (s.kind === 'call') {
      out.push(`  Note over ${id(s.host)}: ${safe(`${fmtTime(s.at)} ${s.result === undefined ? s.text : `${s.text} = ${s.result}`}`)}`);
    } else {
      const what = s.causes ? s.causes.map((c) => causeText(c, L)).join(', ') : s.timers ? s.timers.map((k) => t(TIMER_TEXT[k], L)).join(', ') : s.text;
      out.push(`  Note over ${id(s.host)}: ${safe(`${fmtTime(s.at)} [${L === 'zh' ? '定时器' : 'timer'}] ${what}`)}`);
    }
    states(s.states);
  }
  out.push(`  Note over ${r.hosts.map((h) => id(h.name)).join(',')}: ${safe(t(r.conclusion, L))}`);
  return out.join('\n') + '\n';
}
