// An exchange as a capture: every segment a host sent, on that host's interface, at the time it
// left (and what a NAT rewrote or a middlebox made up, on the box's interface), with every host's
// state in the packet comment — what `tcplens sim NAME --pcap FILE` writes
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
    // A middlebox holds no TCP state: the comment names the hosts' states only.
    comment: `tcplens: ${hosts.filter((h) => !h.box).map((h) => `${h.name} ${p.states[h.name] ?? '-'}`).join(', ')}`,
  }));
  return writePcapng(captured, { interfaces: hosts.map((h) => h.label), application: 'tcplens sim' });
}
