// A watched connection as the lab's ExchangeResult, so `tcplens pcap` draws it with the same
// renderer as `tcplens sim` (render-exchange.ts): client on the left, server on the right, each
// end's state after every segment, relative sequence numbers as Wireshark shows them, the state
// timeline with the engine's cause words, the findings as the conclusion.
import { seq } from '../../core/seq.js';
import { flagsFromLetters, type Segment } from '../../core/segment.js';
import type { Millis } from '../../core/time.js';
import type { Text } from '../../i18n/lang.js';
import { type TcpPacket } from '../../pcap/decode-packet.js';
import type { ExchangeResult, ExchangeStep } from '../scenario.js';
import { SeqBases } from '../segment-text.js';
import type { ConnectionReport, Endpoint } from './capture-analysis.js';

const HOSTS = ['client', 'server'] as const;

/** `10.0.0.1:43210`, `[fd00::1]:80`. */
export function endpointText(e: Endpoint): string {
  return e.addr.includes(':') ? `[${e.addr}]:${e.port}` : `${e.addr}:${e.port}`;
}

/** The packet as the engine's Segment (payload bytes the capture cut are zeros: only their count is drawn). */
export function toSegment(p: TcpPacket): Segment {
  const f = p.flags;
  const letters = `${f & 0x02 ? 'S' : ''}${f & 0x01 ? 'F' : ''}${f & 0x04 ? 'R' : ''}${f & 0x08 ? 'P' : ''}${f & 0x20 ? 'U' : ''}${f & 0x40 ? 'E' : ''}${f & 0x80 ? 'W' : ''}${f & 0x10 ? '.' : ''}`;
  let payload = p.payload;
  if (payload.length < p.payloadLength) {
    payload = new Uint8Array(p.payloadLength);
    payload.set(p.payload);
  }
  return {
    srcAddr: p.srcAddr, srcPort: p.srcPort, dstAddr: p.dstAddr, dstPort: p.dstPort, seq: seq(p.seq), ack: seq(p.ack),
    flags: flagsFromLetters(letters || '-'), window: p.window, urgent: 0, options: [], payload,
  };
}

/** The diagram of one connection; `report.observer` must hold its rows. */
export function toExchange(report: ConnectionReport): ExchangeResult {
  const rows = report.observer?.rows ?? [];
  const bases = new SeqBases();
  const t0 = report.firstAt;
  const steps: ExchangeStep[] = rows.map((r) => {
    const d = bases.describe(toSegment(r.packet));
    return {
      kind: 'segment', at: (r.at - t0) as Millis, from: HOSTS[r.from], text: d.relative, textAbsolute: d.absolute,
      states: { client: r.states[0], server: r.states[1] },
    };
  });
  const conclusion: Text = {
    en: report.findings.map((f) => f.text.en).join('; '),
    zh: report.findings.map((f) => f.text.zh).join('；'),
  };
  return {
    kind: 'exchange',
    scenario: `connection ${report.index}`,
    hosts: [{ name: 'client', label: `client ${endpointText(report.client)}` }, { name: 'server', label: `server ${endpointText(report.server)}` }],
    steps,
    timeline: report.timeline.map((e) => ({ at: (e.at - t0) as Millis, host: HOSTS[e.who], from: e.from, to: e.to, cause: e.cause })),
    conclusion,
  };
}
