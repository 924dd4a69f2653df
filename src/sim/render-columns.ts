// The text sequence diagram for more than two hosts: one column per host, left to right as the
// result lists them (a client, a NAT or balancer, a server), each host's state written in its
// column on the rows where it changes, a segment drawn as an arrow from the sender's column to the
// receiver's (a lost one stops with an X and why), calls and timers beside their host. Below it the
// state timeline of each host that holds connections, then the checked conclusion — the same rows
// and words as the two-host drawing (render-exchange.ts), which keeps its own layout.
import { t, type Lang } from '../i18n/lang.js';
import { causeText } from '../core/transitions.js';
import type { ExchangeResult, ExchangeStep } from './scenario.js';
import { displayWidth, fmtTime, localName, lossWhy, middleText, type RenderOptions, WORDS } from './render-exchange.js';

const STATE_W = 12;

/** A line as terminal cells: a CJK character takes two (its second cell is ''). */
class Cells {
  private cells: string[] = [];
  put(at: number, s: string): void {
    let i = at;
    for (const ch of s) {
      while (this.cells.length < i) this.cells.push(' ');
      this.cells[i++] = ch;
      if (displayWidth(ch) === 2) this.cells[i++] = '';
    }
  }
  text(): string {
    return this.cells.map((c) => c ?? ' ').join('').trimEnd();
  }
}

export function renderColumns(r: ExchangeResult, o: RenderOptions): string {
  const L = o.lang;
  const texts = r.steps.map((s) => middleText(s, o));
  const segTexts = r.steps.flatMap((s, i) => (s.kind === 'segment' ? [texts[i]] : []));
  // Columns are as far apart as the longest segment text needs; calls and timers may run past.
  const gap = Math.max(30, ...segTexts.map((x) => displayWidth(x) + 10));
  const timeW = Math.max(8, ...r.steps.map((s) => fmtTime(s.at).length));
  const x0 = timeW + 2;
  const col = new Map(r.hosts.map((h, i) => [h.name, x0 + i * (STATE_W + gap)]));
  const xOf = (name: string): number => col.get(name) ?? x0;
  const last = x0 + (r.hosts.length - 1) * (STATE_W + gap);
  const out: string[] = [];
  const head = new Cells();
  head.put(0, ' '.repeat(Math.max(0, timeW - displayWidth(t(WORDS.time, L)))) + t(WORDS.time, L));
  for (const h of r.hosts) head.put(xOf(h.name), localName(h.label, L));
  out.push(head.text());
  out.push(`${''.padStart(timeW)}  ${'-'.repeat(last - x0 + STATE_W)}`);
  const shown = new Map<string, string>();
  r.steps.forEach((s, i) => {
    const line = new Cells();
    line.put(0, fmtTime(s.at).padStart(timeW));
    if (s.kind === 'note') {
      line.put(x0 + STATE_W + 2, `# ${t(s.text, L)}`);
      out.push(line.text());
      return;
    }
    if (s.kind === 'segment') drawSegment(line, s, texts[i], xOf, r, L);
    else {
      const hx = xOf(s.host);
      if (hx === last) line.put(Math.max(x0, hx - 2 - displayWidth(texts[i])), texts[i]);
      else line.put(hx + STATE_W + 2, texts[i]);
    }
    for (const h of r.hosts) {
      if (h.box) continue;
      const st = s.states[h.name] ?? '-';
      if (shown.get(h.name) !== st) line.put(xOf(h.name), st);
      shown.set(h.name, st);
    }
    out.push(line.text());
  });
  out.push('', `${t(o.absolute ? WORDS.absolute : WORDS.relative, L)}`, '', t(WORDS.timeline, L));
  for (const h of r.hosts) {
    if (h.box) continue;
    out.push(`  ${localName(h.label, L)}`);
    for (const c of r.timeline.filter((x) => x.host === h.name)) {
      out.push(`    ${fmtTime(c.at).padStart(timeW)}  ${`${c.from} -> ${c.to}`.padEnd(30)}  ${causeText(c.cause, L)}`);
    }
  }
  out.push('', `${t(WORDS.conclusion, L)}: ${t(r.conclusion, L)}`);
  return out.join('\n') + '\n';
}

/** An arrow from the sender's column to the receiver's, its text inside; a lost one ends in X. */
function drawSegment(line: Cells, s: Extract<ExchangeStep, { kind: 'segment' }>, text: string, xOf: (n: string) => number, r: ExchangeResult, L: Lang): void {
  const from = xOf(s.from);
  const to = xOf(s.to ?? r.hosts.find((h) => h.name !== s.from)?.name ?? s.from);
  const lo = Math.min(from, to) + STATE_W;
  const hi = Math.max(from, to) - 2;
  const w = hi - lo;
  if (s.dropped) {
    const body = `--- ${text} ---X ${t(WORDS.lost, L)}${lossWhy(s.why, L)}`;
    line.put(lo, from < to ? body : `X--- ${text} --- ${t(WORDS.lost, L)}${lossWhy(s.why, L)}`);
    return;
  }
  const inner = displayWidth(text) + 2;
  const arrow = from < to
    ? `--- ${text} ${'-'.repeat(Math.max(1, w - inner - 4))}>`
    : `<${'-'.repeat(Math.max(1, w - inner - 4))} ${text} ---`;
  line.put(lo, arrow);
}
