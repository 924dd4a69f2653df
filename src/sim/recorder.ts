// Turns what the network reports (network.ts NetEvent) into the rows of a sequence diagram
// (scenario.ts ExchangeStep): every segment that crosses or is lost, every user call, every timer,
// each with every host's state after it (keyed by host name), plus the state timeline.
//
// Which state a side shows: a host can hold several sockets (a listener, the accepted connection, a
// new incarnation). A side shows the state of the connection that changed most recently; before it
// has any connection, its listener's LISTEN; before that '-'. A change whose remote port is 0 is a
// listener's.
import { isSysError } from '../core/errno.js';
import { causeText } from '../core/transitions.js';
import type { StateChange } from '../stack/api.js';
import type { TcpState } from '../model/states.js';
import type { Text } from '../i18n/lang.js';
import type { SocketTimerKind } from '../model/timers.js';
import type { ExchangeResult, ExchangeStep, HostStates } from './scenario.js';
import type { NetEvent } from './network.js';
import { SeqBases } from './segment-text.js';

/** A due timer's name in words; `delayed-ack` is the one /proc never shows. */
export const TIMER_TEXT: Readonly<Record<SocketTimerKind | 'delayed-ack', Text>> = {
  on: { en: 'retransmission timer', zh: '重传定时器' },
  keepalive: { en: 'keepalive timer', zh: '保活定时器' },
  timewait: { en: 'TIME-WAIT timer', zh: 'TIME-WAIT 定时器' },
  persist: { en: 'zero-window probe timer', zh: '零窗口探测定时器' },
  'loss-probe': { en: 'tail loss probe timer', zh: '尾部丢包探测定时器' },
  off: { en: 'timer', zh: '定时器' },
  'delayed-ack': { en: 'delayed-ACK timer', zh: '延迟 ACK 定时器' },
};

class SideState {
  listener: TcpState | undefined;
  conn: TcpState | undefined;
  apply(c: StateChange): void {
    if (c.remote.port === 0 || c.to === 'LISTEN') this.listener = c.to;
    else this.conn = c.to;
  }
  get shown(): TcpState | '-' {
    return this.conn ?? this.listener ?? '-';
  }
}

export class Recorder {
  readonly steps: ExchangeStep[] = [];
  readonly timeline: ExchangeResult['timeline'] = [];
  private readonly sides = new Map<string, SideState>();
  private bases = new SeqBases();
  /** The hosts recorded, by network name; events of other hosts are left out. */
  constructor(hosts: readonly string[] = ['A', 'B']) {
    for (const h of hosts) this.sides.set(h, new SideState());
  }

  state(host: string): TcpState | '-' {
    return this.sides.get(host)?.shown ?? '-';
  }

  private sideOf(host: string): string | undefined {
    return this.sides.has(host) ? host : undefined;
  }

  /** Each host's state now, as the diagram's next row would show it. */
  statesNow(): HostStates {
    return this.states().states;
  }

  private states(): { states: HostStates } {
    const states: HostStates = {};
    for (const [h, s] of this.sides) states[h] = s.shown;
    return { states };
  }

  note(at: number, text: Text): void {
    this.steps.push({ kind: 'note', at, text });
  }

  /** Feed every network event here (`net.observe((e) => rec.on(e))`). */
  on(e: NetEvent): void {
    switch (e.kind) {
      case 'state': {
        const side = this.sideOf(e.host);
        if (!side) return;
        this.sides.get(side)?.apply(e.change);
        this.timeline.push({ at: e.at, host: side, from: e.change.from, to: e.change.to, cause: e.change.cause });
        return;
      }
      case 'drop':
      case 'deliver': {
        const from = this.sideOf(e.from);
        if (!from) return;
        // Number the segment when it is sent, so bases follow sending order even when links reorder.
        const t = this.described.get(e.seg) ?? this.bases.describe(e.seg);
        // With more than two hosts an arrow needs its far end; two hosts keep their result's shape.
        const to = this.sides.size > 2 && this.sides.has(e.to) ? { to: e.to } : {};
        const step: ExchangeStep = { kind: 'segment', at: e.at, from, ...to, text: t.relative, textAbsolute: t.absolute, ...this.states() };
        if (e.kind === 'drop') {
          step.dropped = true;
          step.why = e.why;
        } else {
          if (e.duplicate) step.duplicated = true;
          if (e.sentAt !== e.at) step.sentAt = e.sentAt;
        }
        this.steps.push(step);
        return;
      }
      case 'send':
        if (!this.described.has(e.seg)) this.described.set(e.seg, this.bases.describe(e.seg));
        return;
      case 'call': {
        const side = this.sideOf(e.host);
        if (!side) return;
        this.steps.push({ kind: 'call', at: e.at, host: side, text: e.label, result: formatResult(e.result), ...this.states() });
        return;
      }
      case 'timer': {
        const side = this.sideOf(e.host);
        if (!side) return;
        const causes = e.changes.map((c) => c.cause);
        if (causes.length) {
          this.steps.push({ kind: 'timer', at: e.at, host: side, text: causes.map((c) => causeText(c)).join('; '), causes, ...this.states() });
          return;
        }
        // /proc names every timer kind but the delayed ACK (procTimerKind in src/core/timers.ts),
        // so a due timer that no socket shows is the delayed-ACK timer.
        const timers: Array<SocketTimerKind | 'delayed-ack'> = e.timers.length ? e.timers : ['delayed-ack'];
        const text = timers.map((k) => TIMER_TEXT[k].en).join(', ');
        this.steps.push({ kind: 'timer', at: e.at, host: side, text, timers, ...this.states() });
        return;
      }
      case 'action':
        return;
    }
  }

  private described = new Map<object, { relative: string; absolute: string }>();
}

/** A call's return value as a C programmer reads it: `= 0`, `= -1 ECONNREFUSED`, `= 5 bytes`. */
export function formatResult(r: unknown): string | undefined {
  if (r === undefined) return undefined;
  if (isSysError(r)) return `-1 ${r.errno}`;
  if (r instanceof Uint8Array) return r.length === 0 ? '0 (end of stream)' : `${r.length} bytes`;
  if (typeof r === 'number' || typeof r === 'string' || typeof r === 'boolean') return String(r);
  if (typeof r === 'object' && r !== null && 'fd' in r) return String((r as { fd: number }).fd);
  return undefined;
}
