// A lab exchange as a sequence diagram in SVG: the two hosts' lifelines, each segment an arrow from
// the time it left to the time it arrived (a lost one ends in a cross), calls and fired timers on
// their host's line, and each host's state written beside its line wherever it changes — the
// picture `tcplens sim` prints as text, row for row from the same `ExchangeResult`.
// `shown` rows are drawn; the rest are kept faint, so the page can step through the exchange.
import { t, type ExchangeResult, type ExchangeStep, type Lang } from '../public/index.js';
import { s } from './dom.js';
import { word } from './ui-words.js';

const W = 860;
const ROW = 34;
const TOP = 64;
const LX = 250;
const RX = 610;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

export function sequenceDiagram(r: ExchangeResult, shown: number, lang: Lang): SVGSVGElement {
  const [a, b] = r.hosts;
  const x = (host: string): number => (host === a.name ? LX : RX);
  const height = TOP + r.steps.length * ROW + 30;
  const svg = s('svg', { viewBox: `0 0 ${W} ${height}`, class: 'sequence', id: 'sequence', role: 'img', 'aria-label': r.scenario });
  svg.append(s('defs', {}, s('marker', { id: 'seq-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow-head' }))));
  for (const [hst, hx] of [[a, LX], [b, RX]] as const) {
    svg.append(s('text', { x: hx, y: 22, class: 'host-label' }, hst.label));
    svg.append(s('line', { x1: hx, y1: 34, x2: hx, y2: height - 10, class: 'lifeline' }));
  }
  svg.append(s('text', { x: 8, y: 22, class: 'col-label' }, word('state', lang)), s('text', { x: W - 8, y: 22, class: 'col-label end' }, word('state', lang)));
  let prev: Record<string, string> = { [a.name]: '-', [b.name]: '-' };
  r.steps.forEach((step: ExchangeStep, i) => {
    const y = TOP + i * ROW;
    const g = s('g', { class: `step step-${step.kind}${i >= shown ? ' future' : ''}${i === shown - 1 ? ' current' : ''}`, 'data-step': i });
    g.append(s('text', { x: 8, y: y + 4, class: 'time' }, seconds(step.at)));
    if (step.kind === 'segment') {
      const from = x(step.from);
      const to = from === LX ? RX : LX;
      const end = step.dropped ? from + (to - from) * 0.6 : to;
      const y2 = y + ROW * 0.7;
      const yEnd = step.dropped ? y + ROW * 0.42 : y2;
      g.append(s('line', { x1: from, y1: y, x2: end, y2: yEnd, class: `arrow${step.dropped ? ' dropped' : ''}`, 'marker-end': step.dropped ? undefined : 'url(#seq-arrow)', 'data-from': step.from }));
      if (step.dropped) g.append(s('text', { x: end, y: yEnd + 5, class: 'lost' }, '✕'));
      const label = step.dropped ? `${step.text} (${word('dropped', lang)}${step.why ? `: ${step.why}` : ''})` : step.text;
      g.append(s('text', { x: (LX + RX) / 2, y: (y + y2) / 2 - 5, class: 'seg-label' }, label));
    } else if (step.kind === 'call') {
      const hx = x(step.host);
      g.append(s('circle', { cx: hx, cy: y, r: 3, class: 'call-dot' }));
      g.append(s('text', { x: hx === LX ? hx + 8 : hx - 8, y: y + 4, class: `call ${hx === LX ? 'start' : 'end'}` }, `${step.text}${step.result !== undefined ? ` = ${step.result}` : ''}`));
    } else if (step.kind === 'timer') {
      const hx = x(step.host);
      g.append(s('text', { x: hx === LX ? hx + 8 : hx - 8, y: y + 4, class: `timer ${hx === LX ? 'start' : 'end'}` }, `[timer] ${step.text}`));
    } else {
      g.append(s('text', { x: (LX + RX) / 2, y: y + 4, class: 'note' }, t(step.text, lang)));
    }
    if (step.kind !== 'note') {
      for (const [hst, sx, anchor] of [[a, LX - 12, 'end'], [b, RX + 12, 'start']] as const) {
        const st = step.states[hst.name] ?? '-';
        if (st !== prev[hst.name]) {
          const yy = step.kind === 'segment' && step.from !== hst.name ? y + ROW * 0.7 : y;
          g.append(s('text', { x: sx, y: yy + 4, class: `state-label ${anchor}`, 'data-host': hst.name }, st));
        }
      }
      prev = { ...step.states };
    }
    svg.append(g);
  });
  return svg;
}

/** Each host's states over the run's virtual time as a band of coloured spans. */
export function timelineBands(r: ExchangeResult): SVGSVGElement {
  const end = Math.max(1, ...r.steps.map((x) => x.at), ...r.timeline.map((x) => x.at));
  const W2 = 860;
  const L = 150;
  const span = W2 - L - 10;
  const svg = s('svg', { viewBox: `0 0 ${W2} ${r.hosts.length * 46 + 24}`, class: 'timeline', id: 'timeline' });
  r.hosts.forEach((hst, row) => {
    const y = 10 + row * 46;
    svg.append(s('text', { x: 4, y: y + 18, class: 'host-label start' }, hst.label));
    const changes = r.timeline.filter((c) => c.host === hst.name);
    changes.forEach((c, i) => {
      const from = c.at;
      const to = i + 1 < changes.length ? changes[i + 1].at : end;
      // A square-root scale: a 60 s TIME-WAIT beside a 50 ms handshake leaves both visible.
      const x1 = L + Math.sqrt(from / end) * span;
      const w = Math.max(2, (Math.sqrt(to / end) - Math.sqrt(from / end)) * span);
      svg.append(s('rect', { x: x1.toFixed(1), y, width: w.toFixed(1), height: 26, class: `band st-${c.to}` }, s('title', {}, `${c.to} ${seconds(from)}`)));
      if (w > 60) svg.append(s('text', { x: (x1 + 4).toFixed(1), y: y + 17, class: 'band-label' }, c.to));
    });
  });
  svg.append(s('text', { x: W2 - 10, y: r.hosts.length * 46 + 18, class: 'col-label end' }, seconds(end)));
  return svg;
}
