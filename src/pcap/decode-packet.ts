// A captured frame's TCP segment: the link layer peeled off by link type, then IPv4 or IPv6, then
// the TCP header. What the observer needs is the header and the payload's length, which comes
// from the IP length field, so a packet cut by tcpdump's snapshot length (-s) still counts its
// bytes; only a cut inside the TCP header makes the packet unreadable.
//
// Link types (tcpdump.org/linktypes.html): 0 NULL and 108 LOOP (BSD loopback: a 4-byte address
// family, host byte order for NULL, network order for LOOP), 1 Ethernet (with 802.1Q and 802.1ad
// VLAN tags), 12 and 14 (raw IP as OpenBSD numbers it), 101 RAW, 113 Linux cooked SLL, 228 IPv4,
// 229 IPv6, 276 Linux cooked SLL2.
import { addressFromV6Bytes, formatIpv4 } from '../model/address.js';

/** A TCP segment as read from a capture (sequence numbers raw, as unsigned 32-bit numbers). */
export interface TcpPacket {
  srcAddr: string;
  srcPort: number;
  dstAddr: string;
  dstPort: number;
  seq: number;
  ack: number;
  /** The flags byte: FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20, ECE 0x40, CWR 0x80. */
  flags: number;
  window: number;
  /** Bytes of payload on the wire (from the IP length, even when the capture cut them). */
  payloadLength: number;
  /** Window scale option (SYN and SYN-ACK only), when present. */
  wscale?: number;
  /** The payload bytes the capture kept (fewer than payloadLength after a snapshot-length cut). */
  payload: Uint8Array;
}

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;

/** Why a frame has no TCP segment to show: not an error (ARP, UDP) or a damaged one. */
export type Skip = { skip: 'not-tcp' } | { skip: 'damaged' | 'cut' | 'link'; why: string };

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;

/** The IP datagram inside a frame of this link type, or why there is none. */
function ipStart(linkType: number, d: Uint8Array): number | Skip {
  switch (linkType) {
    case 0: case 108: {
      if (d.length < 4) return { skip: 'cut', why: 'the loopback header is cut' };
      // NULL is in the writer's byte order: read both ways, the family is small.
      const le = d[0] | (d[1] << 8) | (d[2] << 16) | (d[3] << 24);
      const be = (d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3];
      const fam = linkType === 108 ? be : (le >>> 0) <= 0xffff ? le : be;
      // AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD, OpenBSD), 28 (FreeBSD), 30 (macOS), 10 (Linux).
      if (fam === 2 || [10, 24, 28, 30].includes(fam)) return 4;
      return { skip: 'not-tcp' };
    }
    case 1: {
      let p = 12;
      for (;;) {
        if (d.length < p + 2) return { skip: 'cut', why: 'the Ethernet header is cut' };
        const type = (d[p] << 8) | d[p + 1];
        if (type === 0x8100 || type === 0x88a8 || type === 0x9100) { p += 4; continue; }
        return type === ETH_IPV4 || type === ETH_IPV6 ? p + 2 : { skip: 'not-tcp' };
      }
    }
    case 113: {
      if (d.length < 16) return { skip: 'cut', why: 'the Linux cooked (SLL) header is cut' };
      const proto = (d[14] << 8) | d[15];
      return proto === ETH_IPV4 || proto === ETH_IPV6 ? 16 : { skip: 'not-tcp' };
    }
    case 276: {
      if (d.length < 20) return { skip: 'cut', why: 'the Linux cooked (SLL2) header is cut' };
      const proto = (d[0] << 8) | d[1];
      return proto === ETH_IPV4 || proto === ETH_IPV6 ? 20 : { skip: 'not-tcp' };
    }
    case 12: case 14: case 101: case 228: case 229:
      return 0;
    default:
      return { skip: 'link', why: `link type ${linkType} is not one tcplens reads (Ethernet, Linux cooked SLL/SLL2, raw IP, BSD loopback)` };
  }
}

const u16 = (d: Uint8Array, p: number): number => (d[p] << 8) | d[p + 1];
const u32 = (d: Uint8Array, p: number): number => ((d[p] << 24) | (d[p + 1] << 16) | (d[p + 2] << 8) | d[p + 3]) >>> 0;

/** The TCP segment of a captured frame, or why there is none. */
export function decodeTcp(linkType: number, d: Uint8Array): TcpPacket | Skip {
  const start = ipStart(linkType, d);
  if (typeof start !== 'number') return start;
  if (d.length < start + 1) return { skip: 'cut', why: 'the IP header is cut' };
  const version = d[start] >> 4;
  let srcAddr: string;
  let dstAddr: string;
  let tcpAt: number;
  let tcpLen: number;
  if (version === 4) {
    const ihl = (d[start] & 0x0f) * 4;
    if (ihl < 20) return { skip: 'damaged', why: `an IPv4 header length of ${ihl} bytes (20 at least)` };
    if (d.length < start + 20) return { skip: 'cut', why: 'the IPv4 header is cut' };
    if (d[start + 9] !== 6) return { skip: 'not-tcp' };
    const total = u16(d, start + 2);
    // A later fragment has no TCP header; a first fragment has one but not the whole segment.
    if ((u16(d, start + 6) & 0x1fff) !== 0) return { skip: 'not-tcp' };
    if (total < ihl) return { skip: 'damaged', why: `an IPv4 total length of ${total}, shorter than its header` };
    srcAddr = formatIpv4(d, start + 12);
    dstAddr = formatIpv4(d, start + 16);
    tcpAt = start + ihl;
    // TSO captures on the sender write 0 as the total length; the frame's length is then the truth.
    tcpLen = total === 0 ? d.length - tcpAt : total - ihl;
  } else if (version === 6) {
    if (d.length < start + 40) return { skip: 'cut', why: 'the IPv6 header is cut' };
    let next = d[start + 6];
    let p = start + 40;
    let left = u16(d, start + 4);
    // Extension headers: hop-by-hop, routing, destination options, fragment.
    while (next === 0 || next === 43 || next === 60 || next === 44) {
      if (d.length < p + 8) return { skip: 'cut', why: 'an IPv6 extension header is cut' };
      if (next === 44 && (u16(d, p + 2) & 0xfff8) !== 0) return { skip: 'not-tcp' };
      const len = next === 44 ? 8 : (d[p + 1] + 1) * 8;
      next = d[p];
      p += len;
      left -= len;
    }
    if (next !== 6) return { skip: 'not-tcp' };
    srcAddr = addressFromV6Bytes(d, start + 8).address;
    dstAddr = addressFromV6Bytes(d, start + 24).address;
    tcpAt = p;
    tcpLen = left === 0 ? d.length - tcpAt : left;
  } else {
    return { skip: 'damaged', why: `IP version ${version} (4 or 6 expected)` };
  }
  if (d.length < tcpAt + 20) return { skip: 'cut', why: 'the TCP header is cut (the snapshot length is too small)' };
  const hlen = (d[tcpAt + 12] >> 4) * 4;
  if (hlen < 20) return { skip: 'damaged', why: `a TCP header length of ${hlen} bytes (20 at least)` };
  if (tcpLen < hlen) return { skip: 'damaged', why: `an IP payload of ${tcpLen} bytes, shorter than its TCP header of ${hlen}` };
  if (d.length < tcpAt + hlen) return { skip: 'cut', why: 'the TCP options are cut (the snapshot length is too small)' };
  const flags = d[tcpAt + 13];
  let wscale: number | undefined;
  if (flags & SYN) {
    for (let p = tcpAt + 20; p < tcpAt + hlen;) {
      const kind = d[p];
      if (kind === 0) break;
      if (kind === 1) { p++; continue; }
      const len = d[p + 1];
      if (len < 2 || p + len > tcpAt + hlen) break;
      if (kind === 3 && len === 3) wscale = d[p + 2];
      p += len;
    }
  }
  const payloadAt = tcpAt + hlen;
  const payloadLength = tcpLen - hlen;
  return {
    srcAddr, srcPort: u16(d, tcpAt), dstAddr, dstPort: u16(d, tcpAt + 2), seq: u32(d, tcpAt + 4), ack: u32(d, tcpAt + 8),
    flags, window: u16(d, tcpAt + 14), payloadLength, wscale,
    payload: d.subarray(payloadAt, Math.min(d.length, payloadAt + payloadLength)),
  };
}

export function isSkip(x: TcpPacket | Skip): x is Skip {
  return 'skip' in x;
}
