// A lab exchange as a sequence diagram in SVG: each host's lifeline (two, or more with a NAT, a
// balancer or several clients), each segment an arrow from
// the time it left to the time it arrived (a lost one ends in a cross), calls and fired timers on
// their host's line, and each host's state written beside its line wherever it changes — the
// picture `tcplens sim` prints as text, row for row from the same `ExchangeResult`.
// `shown` rows are drawn; the rest are kept faint, so the page can step through the exchange.
import { t, type ExchangeResult, type ExchangeStep, type Lang } from '../public/index.js';
import { s } from './dom.js';
import { word } from './ui-words.js';

const ROW = 34;
const TOP = 64;
/** Two hosts: the lifelines and widths this page has always used. */
const TWO = { left: 250, gap: 360, width: 860 };
/** More hosts (a NAT, a balancer, several clients): one lifeline every `gap`, states to their right. */
const MANY = { left: 130, gap: 250, right: 130 };

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

/** Where each host's lifeline is, and the drawing's width. */
function columns(r: ExchangeResult): { x: Map<string, number>; width: number } {
  const two = r.hosts.length <= 2;
  const left = two ? TWO.left : MANY.left;
  const gap = two ? TWO.gap : MANY.gap;
  const x = new Map(r.hosts.map((h, i) => [h.name, left + i * gap]));
  const width = two ? TWO.width : left + (r.hosts.length - 1) * gap + MANY.right;
  return { x, width };
}

export function sequenceDiagram(r: ExchangeResult, shown: number, lang: Lang): SVGSVGElement {
  const { x: col, width: W } = columns(r);
  const two = r.hosts.length <= 2;
  const first = r.hosts[0]?.name;
  const x = (host: string): number => col.get(host) ?? TWO.left;
  // A segment without `to` goes to the other of two hosts.
  const other = (host: string): string => r.hosts.find((h) => h.name !== host)?.name ?? host;
  const height = TOP + r.steps.length * ROW + 30;
  const svg = s('svg', { viewBox: `0 0 ${W} ${height}`, class: 'sequence', id: 'sequence', role: 'img', 'aria-label': r.scenario });
  svg.append(s('defs', {}, s('marker', { id: 'seq-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow-head' }))));
  for (const hst of r.hosts) {
    const hx = x(hst.name);
    svg.append(s('text', { x: hx, y: 22, class: `host-label${hst.box ? ' middlebox' : ''}` }, hst.label));
    svg.append(s('line', { x1: hx, y1: 34, x2: hx, y2: height - 10, class: `lifeline${hst.box ? ' middlebox' : ''}` }));
  }
  if (two) svg.append(s('text', { x: 8, y: 22, class: 'col-label' }, word('state', lang)), s('text', { x: W - 8, y: 22, class: 'col-label end' }, word('state', lang)));
  // Where a host's state is written: outside the two lifelines for two hosts; else the first host's
  // on its left, every other one's on its right (a middlebox holds no connection and has none).
  const stateAt = (name: string): [number, 'start' | 'end'] => {
    const hx = x(name);
    if (two) return hx === TWO.left ? [hx - 12, 'end'] : [hx + 12, 'start'];
    return name === first ? [hx - 12, 'end'] : [hx + 8, 'start'];
  };
  // A call or timer's text runs away from the neighbours: right of the first lifeline, left of the others.
  const besideAt = (name: string): [number, 'start' | 'end'] => (x(name) === x(first ?? name) ? [x(name) + 8, 'start'] : [x(name) - 8, 'end']);
  const prev: Record<string, string> = Object.fromEntries(r.hosts.map((h) => [h.name, '-']));
  r.steps.forEach((step: ExchangeStep, i) => {
    const y = TOP + i * ROW;
    const g = s('g', { class: `step step-${step.kind}${i >= shown ? ' future' : ''}${i === shown - 1 ? ' current' : ''}`, 'data-step': i });
    g.append(s('text', { x: 8, y: y + 4, class: 'time' }, seconds(step.at)));
    if (step.kind === 'segment') {
      const from = x(step.from);
      const toName = step.to ?? other(step.from);
      const to = x(toName);
      const end = step.dropped ? from + (to - from) * 0.6 : to;
      const y2 = y + ROW * 0.7;
      const yEnd = step.dropped ? y + ROW * 0.42 : y2;
      g.append(s('line', { x1: from, y1: y, x2: end, y2: yEnd, class: `arrow${step.dropped ? ' dropped' : ''}`, 'marker-end': step.dropped ? undefined : 'url(#seq-arrow)', 'data-from': step.from, 'data-to': toName }));
      if (step.dropped) g.append(s('text', { x: end, y: yEnd + 5, class: 'lost' }, '✕'));
      const label = step.dropped ? `${step.text} (${word('dropped', lang)}${step.why ? `: ${step.why}` : ''})` : step.text;
      g.append(s('text', { x: (from + to) / 2, y: (y + y2) / 2 - 5, class: 'seg-label' }, label));
    } else if (step.kind === 'call' || step.kind === 'timer') {
      const [tx, anchor] = besideAt(step.host);
      if (step.kind === 'call') {
        g.append(s('circle', { cx: x(step.host), cy: y, r: 3, class: 'call-dot' }));
        g.append(s('text', { x: tx, y: y + 4, class: `call ${anchor}` }, `${step.text}${step.result !== undefined ? ` = ${step.result}` : ''}`));
      } else {
        g.append(s('text', { x: tx, y: y + 4, class: `timer ${anchor}` }, `[timer] ${step.text}`));
      }
    } else {
      g.append(s('text', { x: W / 2, y: y + 4, class: 'note' }, t(step.text, lang)));
    }
    if (step.kind !== 'note') {
      for (const hst of r.hosts) {
        if (hst.box) continue;
        const [sx, anchor] = stateAt(hst.name);
        const st = step.states[hst.name] ?? '-';
        if (st !== prev[hst.name]) {
          const received = step.kind === 'segment' && (step.to ?? other(step.from)) === hst.name;
          const yy = received ? y + ROW * 0.7 : y;
          g.append(s('text', { x: sx, y: yy + 4, class: `state-label ${anchor}`, 'data-host': hst.name }, st));
        }
        prev[hst.name] = st;
      }
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
  // Only hosts that hold connections: a NAT or a firewall on the path has no TCP state.
  const hosts = r.hosts.filter((h) => !h.box);
  const svg = s('svg', { viewBox: `0 0 ${W2} ${hosts.length * 46 + 24}`, class: 'timeline', id: 'timeline' });
  hosts.forEach((hst, row) => {
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
  svg.append(s('text', { x: W2 - 10, y: hosts.length * 46 + 18, class: 'col-label end' }, seconds(end)));
  return svg;
}
