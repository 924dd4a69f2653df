// An exchange as a capture: every segment a host sent, on that host's interface, at the time it
// left, with both ends' states in the packet comment — what `tcplens sim NAME --pcap FILE` writes
// for Wireshark, which shows flags and sequence numbers but never the states.
import { writePcapng, type CapturedPacket } from '../pcap/pcapng-writer.js';
import type { ExchangeHost, WirePacket } from './scenario.js';

/** A pcapng file of the packets, one interface per host (named by its column label). */
export function exchangePcapng(packets: readonly WirePacket[], hosts: readonly ExchangeHost[]): Uint8Array {
  const label = new Map(hosts.map((h) => [h.name, h.label]));
  const captured: CapturedPacket[] = packets.map((p) => ({
    at: p.at,
    iface: label.get(p.host) ?? p.host,
    seg: p.seg,
    comment: `tcplens: ${hosts.map((h) => `${h.name} ${p.states[h.name] ?? '-'}`).join(', ')}`,
  }));
  return writePcapng(captured, { interfaces: hosts.map((h) => h.label), application: 'tcplens sim' });
}
