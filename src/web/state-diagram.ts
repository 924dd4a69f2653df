// The host drawn on the RFC 9293 state diagram (§3.3.2, Figure 6), in SVG. The layout follows the
// RFC's figure (CLOSED on top, the opens in the middle row, the closes below, TIME-WAIT at the
// bottom, and CLOSED drawn a second time bottom right as the RFC does, so the closes do not climb
// back over the whole figure). The edges are not drawn by hand: they are the library's transition
// table (`TRANSITIONS`, the one `tcplens explain` prints, held to the engine by its tests).
// Each node is sized and shaded by its socket count and coloured by its oldest socket's age; each
// edge is as thick as its flow since the previous read. Flows between states that are not an edge
// of the diagram (polling sees ESTABLISHED → TIME-WAIT when both steps fell between two reads)
// are drawn dashed.
import { TCP_STATES, TRANSITIONS, type Lang, type TcpState } from '../public/index.js';
import type { FlowEdge, HostUpdate } from './messages.js';
import { s } from './dom.js';
import { ageLevel, ageText, countLevel } from './format.js';
import { word } from './ui-words.js';

const W = 150;
const H = 60;
const POS: Record<TcpState, [number, number]> = {
  'CLOSED': [390, 40], 'LISTEN': [390, 150],
  'SYN-RECEIVED': [95, 262], 'SYN-SENT': [685, 262], 'ESTABLISHED': [390, 362],
  'FIN-WAIT-1': [95, 472], 'CLOSE-WAIT': [685, 472],
  'FIN-WAIT-2': [95, 582], 'CLOSING': [390, 582], 'LAST-ACK': [685, 582],
  'TIME-WAIT': [390, 682],
};
/** The second CLOSED of the RFC's figure, bottom right: where the closes end. */
const CLOSED_BELOW: [number, number] = [685, 682];
const UPPER: ReadonlySet<TcpState> = new Set(['CLOSED', 'LISTEN', 'SYN-SENT', 'SYN-RECEIVED']);
/** Edges into CLOSED drawn always: the RFC's own (the rest, aborts, only while sockets take them). */
const RFC_TO_CLOSED: ReadonlySet<TcpState> = new Set(['LISTEN', 'SYN-SENT', 'LAST-ACK', 'TIME-WAIT', 'FIN-WAIT-2']);

export const VIEW_W = 780;
export const VIEW_H = 730;

function endPos(from: TcpState, to: TcpState): [number, number] {
  return to === 'CLOSED' && !UPPER.has(from) ? CLOSED_BELOW : POS[to];
}

/** A curved path from box to box, bent to one side so A→B and B→A do not overlap. */
function edgePath(a: [number, number], b: [number, number]): { d: string; mid: [number, number] } {
  const clip = (p: [number, number], q: [number, number]): [number, number] => {
    const dx = q[0] - p[0];
    const dy = q[1] - p[1];
    const t = Math.min(dx === 0 ? Infinity : (W / 2 + 4) / Math.abs(dx), dy === 0 ? Infinity : (H / 2 + 4) / Math.abs(dy));
    return [p[0] + dx * t, p[1] + dy * t];
  };
  const p = clip(a, b);
  const q = clip(b, a);
  const len = Math.hypot(q[0] - p[0], q[1] - p[1]) || 1;
  const bend = 14;
  const nx = -(q[1] - p[1]) / len;
  const ny = (q[0] - p[0]) / len;
  const c: [number, number] = [(p[0] + q[0]) / 2 + nx * bend, (p[1] + q[1]) / 2 + ny * bend];
  return { d: `M${p[0].toFixed(1)},${p[1].toFixed(1)} Q${c[0].toFixed(1)},${c[1].toFixed(1)} ${q[0].toFixed(1)},${q[1].toFixed(1)}`, mid: [(p[0] + 2 * c[0] + q[0]) / 4, (p[1] + 2 * c[1] + q[1]) / 4] };
}

interface NodeParts { g: SVGGElement; count: SVGTextElement; age: SVGTextElement; delta: SVGTextElement }
interface EdgeParts { g: SVGGElement; path: SVGPathElement; label: SVGTextElement; always: boolean }

export class StateDiagram {
  readonly svg: SVGSVGElement;
  private readonly nodes = new Map<TcpState, NodeParts>();
  private readonly edges = new Map<string, EdgeParts>();
  private readonly edgeLayer: SVGGElement;
  private selected: TcpState | undefined;

  constructor(private readonly onSelect: (st: TcpState) => void) {
    this.svg = s('svg', { viewBox: `0 0 ${VIEW_W} ${VIEW_H}`, class: 'state-diagram', role: 'img', id: 'state-diagram' });
    const defs = s('defs', {},
      s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow-head' })),
      s('marker', { id: 'arrow-hot', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 5, markerHeight: 5, orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow-head hot' })),
    );
    this.svg.append(defs);
    this.edgeLayer = s('g', { class: 'edges' });
    this.svg.append(this.edgeLayer);
    for (const t of TRANSITIONS) {
      const always = t.to !== 'CLOSED' || RFC_TO_CLOSED.has(t.from);
      this.edge(t.from, t.to, always);
    }
    const below = s('g', { class: 'node ghost', transform: `translate(${CLOSED_BELOW[0]},${CLOSED_BELOW[1]})` },
      s('rect', { x: -W / 2, y: -H / 2, width: W, height: H, rx: 10 }),
      s('text', { class: 'name', y: 5 }, 'CLOSED'));
    this.svg.append(below);
    for (const st of TCP_STATES) this.node(st);
  }

  private edge(from: TcpState, to: TcpState, always: boolean): EdgeParts {
    const key = `${from}>${to}`;
    const got = this.edges.get(key);
    if (got) return got;
    const { d, mid } = edgePath(POS[from], endPos(from, to));
    const path = s('path', { d, class: 'edge-line', 'marker-end': 'url(#arrow)' });
    const label = s('text', { x: mid[0].toFixed(1), y: (mid[1] - 4).toFixed(1), class: 'edge-label' });
    const g = s('g', { class: always ? 'edge' : 'edge extra', 'data-edge': key }, path, label);
    this.edgeLayer.append(g);
    const parts = { g, path, label, always };
    this.edges.set(key, parts);
    return parts;
  }

  private node(st: TcpState): void {
    const [x, y] = POS[st];
    const count = s('text', { class: 'count', y: 8 }, '0');
    const age = s('text', { class: 'age', y: 24 });
    const delta = s('text', { class: 'delta', y: H / 2 + 14 });
    const g = s('g', {
      class: 'node lvl-0', transform: `translate(${x},${y})`, 'data-state': st, tabindex: 0, role: 'button', 'aria-label': st,
      onclick: () => this.onSelect(st),
      onkeydown: (e: Event) => { const k = (e as KeyboardEvent).key; if (k === 'Enter' || k === ' ') { e.preventDefault(); this.onSelect(st); } },
    },
    s('rect', { x: -W / 2, y: -H / 2, width: W, height: H, rx: 10, class: 'box' }),
    s('circle', { cx: W / 2 - 10, cy: -H / 2 + 10, r: 5, class: 'age-dot' }),
    s('text', { class: 'name', y: -12 }, st), count, age, delta);
    this.svg.append(g);
    this.nodes.set(st, { g, count, age, delta });
  }

  select(st: TcpState | undefined): void {
    this.selected = st;
    for (const [k, n] of this.nodes) n.g.classList.toggle('selected', k === st);
  }

  update(u: HostUpdate, lang: Lang): void {
    const flowsIn = new Map<TcpState, number>();
    const flowsOut = new Map<TcpState, number>();
    const active = new Map<string, FlowEdge>();
    for (const e of u.flows.edges) {
      if (e.from === 'new' && e.to !== 'new' && e.to !== 'gone') flowsIn.set(e.to, (flowsIn.get(e.to) ?? 0) + e.count);
      else if (e.to === 'gone' && e.from !== 'new' && e.from !== 'gone') flowsOut.set(e.from, (flowsOut.get(e.from) ?? 0) + e.count);
      else if (e.from !== 'new' && e.from !== 'gone' && e.to !== 'new' && e.to !== 'gone') active.set(`${e.from}>${e.to}`, e);
    }
    for (const st of TCP_STATES) {
      const n = this.nodes.get(st)!;
      const row = u.states[st];
      const lvl = countLevel(row.count);
      n.g.setAttribute('class', `node lvl-${lvl} age-${row.count > 0 ? ageLevel(row.oldest) : 0}${st === this.selected ? ' selected' : ''}`);
      n.g.setAttribute('transform', `translate(${POS[st][0]},${POS[st][1]}) scale(${(1 + 0.05 * lvl).toFixed(2)})`);
      n.count.textContent = row.count.toLocaleString('en-US');
      n.age.textContent = row.count > 0 && row.oldest ? `${word('oldest', lang)} ${ageText(row.oldest, lang)}` : '';
      const plus = flowsIn.get(st) ?? 0;
      const minus = flowsOut.get(st) ?? 0;
      n.delta.textContent = plus || minus ? `+${plus} −${minus}` : '';
      n.g.setAttribute('aria-label', `${st}: ${row.count}`);
    }
    for (const [key, e] of active) if (!this.edges.has(key)) this.edge(e.from as TcpState, e.to as TcpState, false).g.classList.add('skip');
    for (const [key, p] of this.edges) {
      const e = active.get(key);
      p.g.classList.toggle('hot', e !== undefined);
      p.g.classList.toggle('hidden', !p.always && e === undefined);
      p.path.setAttribute('stroke-width', e ? String(Math.min(9, 1.5 + Math.log2(1 + e.count))) : '1.2');
      p.path.setAttribute('marker-end', e ? 'url(#arrow-hot)' : 'url(#arrow)');
      p.label.textContent = e ? (e.ratePerSec !== undefined ? `${e.count} (${e.ratePerSec}/s)` : String(e.count)) : '';
    }
  }
}
