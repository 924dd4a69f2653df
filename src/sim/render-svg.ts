// An ExchangeResult as an SVG sequence diagram: a lifeline per host (any number of them, left to
// right in the result's order), an arrow per segment with its text above it (a lost one stops
// half-way at a cross), each host's state written beside its lifeline on the rows where it changes,
// calls and timers in grey by their host, the time of every row on the left, the conclusion below.
// A pure function of the result — no fonts measured, no DOM — so the CLI, a test and the web
// dashboard draw the same picture from the same data.
import { t, type Lang } from '../i18n/lang.js';
import { causeText } from '../core/transitions.js';
import type { ExchangeResult } from './scenario.js';
import { TIMER_TEXT } from './recorder.js';
import { displayWidth, fmtTime } from './render-exchange.js';

const ROW = 26;
const TOP = 64;
const TIME_W = 84;
const STATE_W = 118;
const CHAR = 7.2; // 12px monospace

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function wrapLines(s: string, cols: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const w of s.split(' ')) {
    const next = line ? `${line} ${w}` : w;
    if (displayWidth(next) > cols && line) { out.push(line); line = w; } else line = next;
  }
  if (line) out.push(line);
  return out;
}

export function renderSvg(r: ExchangeResult, o: { lang: Lang; absolute?: boolean }): string {
  const L = o.lang;
  const texts = r.steps.map((s) => (s.kind === 'segment' ? (o.absolute && s.textAbsolute ? s.textAbsolute : s.text) + (s.dropped ? (L === 'zh' ? '（丢失）' : ' (lost)') : '') : ''));
  const gap = Math.max(300, ...texts.map((x) => displayWidth(x) * CHAR + 40));
  const xs = r.hosts.map((_, i) => TIME_W + STATE_W + i * gap);
  const width = xs[xs.length - 1] + STATE_W + 20;
  const conclusion = wrapLines(`${L === 'zh' ? '结论' : 'Conclusion'}: ${t(r.conclusion, L)}`, Math.floor((width - 40) / CHAR));
  const height = TOP + r.steps.length * ROW + 30 + conclusion.length * 18 + 20;
  const x = new Map(r.hosts.map((h, i) => [h.name, xs[i]]));
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="ui-monospace, Menlo, Consolas, monospace" font-size="12">`);
  out.push('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>');
  out.push(`<rect width="${width}" height="${height}" fill="#fff"/>`);
  const bottom = TOP + r.steps.length * ROW;
  r.hosts.forEach((h, i) => {
    out.push(`<text x="${xs[i]}" y="24" text-anchor="middle" font-weight="bold">${esc(h.label)}</text>`);
    out.push(`<line x1="${xs[i]}" y1="34" x2="${xs[i]}" y2="${bottom}" stroke="#999" stroke-dasharray="4 3"/>`);
  });
  out.push(`<text x="8" y="24" fill="#666">${L === 'zh' ? '时间' : 'time'}</text>`);
  const last = new Map<string, string>();
  r.steps.forEach((s, i) => {
    const y = TOP + i * ROW;
    out.push(`<text x="8" y="${y + 4}" fill="#666">${esc(fmtTime(s.at))}</text>`);
    if (s.kind === 'note') {
      out.push(`<text x="${TIME_W + STATE_W}" y="${y + 4}" fill="#666" font-style="italic"># ${esc(t(s.text, L))}</text>`);
      return;
    }
    let spanFrom = -Infinity;
    if (s.kind === 'segment') {
      const x1 = x.get(s.from) ?? xs[0];
      const to = s.to ?? r.hosts.find((h) => h.name !== s.from)?.name ?? s.from;
      const x2 = x.get(to) ?? xs[1];
      spanFrom = Math.min(x1, x2);
      const mid = (x1 + x2) / 2;
      if (s.dropped) {
        out.push(`<line x1="${x1}" y1="${y}" x2="${mid}" y2="${y}" stroke="#c00" stroke-dasharray="5 3"/>`);
        out.push(`<text x="${mid}" y="${y + 4}" text-anchor="middle" fill="#c00" font-weight="bold">✕</text>`);
      } else {
        out.push(`<line x1="${x1}" y1="${y}" x2="${x2}" y2="${y}" stroke="#333" marker-end="url(#arrow)"/>`);
      }
      out.push(`<text x="${mid}" y="${y - 5}" text-anchor="middle"${s.dropped ? ' fill="#c00"' : ''}>${esc(texts[i])}</text>`);
    } else {
      const hx = x.get(s.host) ?? xs[0];
      const what = s.kind === 'call' ? (s.result === undefined ? s.text : `${s.text} = ${s.result}`)
        : `[${L === 'zh' ? '定时器' : 'timer'}] ${s.causes ? s.causes.map((c) => causeText(c, L)).join(', ') : s.timers ? s.timers.map((k) => t(TIMER_TEXT[k], L)).join(', ') : s.text}`;
      const left = hx === xs[0];
      out.push(`<text x="${left ? hx + 8 : hx - 8}" y="${y + 4}" text-anchor="${left ? 'start' : 'end'}" fill="#777" font-style="italic">${esc(what)}</text>`);
    }
    r.hosts.forEach((h, k) => {
      if (h.box) return;
      const st = s.states[h.name] ?? '-';
      if (last.get(h.name) === st) return;
      last.set(h.name, st);
      // The first host's state left of its line, the others' right of it — but a middle host's
      // goes left when this row's arrow runs to its right, so the two do not overlap.
      const left = k === 0 || (k < xs.length - 1 && spanFrom >= xs[k]);
      out.push(`<text x="${left ? xs[k] - 8 : xs[k] + 8}" y="${y + 4}" text-anchor="${left ? 'end' : 'start'}" fill="#05a" font-weight="bold">${esc(st)}</text>`);
    });
  });
  conclusion.forEach((line, i) => {
    out.push(`<text x="20" y="${bottom + 30 + i * 18}"${i === 0 ? ' font-weight="bold"' : ''}>${esc(line)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
