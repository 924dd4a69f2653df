// READ THIS FIRST — a segment as the bytes on the wire: an IPv4 or IPv6 header, the TCP header with
// its options, the payload, and both checksums, so Wireshark and tcpdump read a lab exchange as they
// read a capture from a real host.
//
// Rules it keeps:
// - IPv4: IHL 5 (no IP options), DF set, TTL 64, an identification that counts per sender; the
//   header checksum is RFC 791's one's-complement sum. IPv6: hop limit 64, no extension headers.
// - TCP: the options are written in the order the engine gave them (Linux's layouts already carry
//   their NOPs); a list whose length is not a multiple of four is padded with EOL bytes (RFC 9293
//   §3.1). The checksum covers the pseudo-header of RFC 9293 §3.1 (IPv4) or RFC 8200 §8.1 (IPv6).
import type { Segment, TcpOption } from '../core/segment.js';

/** The IP datagram carrying `seg`; `ipId` is IPv4's identification field (ignored for IPv6). */
export function encodeSegment(seg: Segment, ipId = 0): Uint8Array {
  const tcp = encodeTcp(seg);
  const v6 = seg.srcAddr.includes(':');
  const src = v6 ? ipv6Bytes(seg.srcAddr) : ipv4Bytes(seg.srcAddr);
  const dst = v6 ? ipv6Bytes(seg.dstAddr) : ipv4Bytes(seg.dstAddr);
  setTcpChecksum(tcp, src, dst);
  const ipLen = v6 ? 40 : 20;
  const out = new Uint8Array(ipLen + tcp.length);
  const dv = new DataView(out.buffer);
  if (v6) {
    out[0] = 0x60;
    dv.setUint16(4, tcp.length);
    out[6] = 6; // next header: TCP
    out[7] = 64;
    out.set(src, 8);
    out.set(dst, 24);
  } else {
    out[0] = 0x45;
    dv.setUint16(2, out.length);
    dv.setUint16(4, ipId & 0xffff);
    dv.setUint16(6, 0x4000); // DF, as Linux sets on TCP with PMTU discovery
    out[8] = 64;
    out[9] = 6;
    out.set(src, 12);
    out.set(dst, 16);
    dv.setUint16(10, ~sum16(out.subarray(0, 20), 0) & 0xffff);
  }
  out.set(tcp, ipLen);
  return out;
}

function encodeTcp(seg: Segment): Uint8Array {
  const opts = encodeOptions(seg.options);
  const headerLen = 20 + opts.length;
  if (headerLen > 60) throw new RangeError(`TCP options of ${opts.length} bytes do not fit in a header (40 at most)`);
  const out = new Uint8Array(headerLen + seg.payload.length);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, seg.srcPort);
  dv.setUint16(2, seg.dstPort);
  dv.setUint32(4, seg.seq >>> 0);
  dv.setUint32(8, seg.ack >>> 0);
  const f = seg.flags;
  out[12] = (headerLen / 4) << 4;
  out[13] = (f.cwr ? 0x80 : 0) | (f.ece ? 0x40 : 0) | (f.urg ? 0x20 : 0) | (f.ack ? 0x10 : 0)
    | (f.psh ? 0x08 : 0) | (f.rst ? 0x04 : 0) | (f.syn ? 0x02 : 0) | (f.fin ? 0x01 : 0);
  dv.setUint16(14, seg.window & 0xffff);
  dv.setUint16(18, seg.urgent & 0xffff);
  out.set(opts, 20);
  out.set(seg.payload, headerLen);
  return out;
}

function encodeOptions(options: readonly TcpOption[]): Uint8Array {
  const bytes: number[] = [];
  const u16 = (v: number): void => { bytes.push((v >>> 8) & 0xff, v & 0xff); };
  const u32 = (v: number): void => { bytes.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff); };
  for (const o of options) {
    switch (o.kind) {
      case 'eol': bytes.push(0); break;
      case 'nop': bytes.push(1); break;
      case 'mss': bytes.push(2, 4); u16(o.value); break;
      case 'wscale': bytes.push(3, 3, o.shift & 0xff); break;
      case 'sackOK': bytes.push(4, 2); break;
      case 'sack': bytes.push(5, 2 + 8 * o.blocks.length); for (const [l, r] of o.blocks) { u32(l); u32(r); } break;
      case 'timestamp': bytes.push(8, 10); u32(o.val); u32(o.ecr); break;
      case 'fastopen': bytes.push(34, 2 + o.cookie.length, ...o.cookie); break;
      case 'unknown': bytes.push(o.code & 0xff, 2 + o.data.length, ...o.data); break;
    }
  }
  while (bytes.length % 4 !== 0) bytes.push(0);
  return Uint8Array.from(bytes);
}

function setTcpChecksum(tcp: Uint8Array, src: Uint8Array, dst: Uint8Array): void {
  const pseudo = new Uint8Array(src.length * 2 + (src.length === 4 ? 4 : 8));
  const dv = new DataView(pseudo.buffer);
  pseudo.set(src, 0);
  pseudo.set(dst, src.length);
  if (src.length === 4) {
    pseudo[9] = 6;
    dv.setUint16(10, tcp.length);
  } else {
    dv.setUint32(32, tcp.length);
    pseudo[39] = 6;
  }
  const sum = sum16(tcp, sum16(pseudo, 0));
  new DataView(tcp.buffer, tcp.byteOffset).setUint16(16, ~sum & 0xffff);
}

/** The 16-bit one's-complement sum of `b` added to `acc`, folded (RFC 1071). */
function sum16(b: Uint8Array, acc: number): number {
  let s = acc;
  for (let i = 0; i + 1 < b.length; i += 2) s += (b[i] << 8) | b[i + 1];
  if (b.length % 2) s += b[b.length - 1] << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

function ipv4Bytes(a: string): Uint8Array {
  const parts = a.split('.');
  const b = parts.map(Number);
  if (b.length !== 4 || b.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) throw new RangeError(`'${a}' is not an IPv4 address`);
  return Uint8Array.from(b);
}

function ipv6Bytes(a: string): Uint8Array {
  let text = a;
  const out = new Uint8Array(16);
  // An embedded IPv4 tail (::ffff:10.0.0.1) is two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = ipv4Bytes(v4[1]);
    text = `${text.slice(0, -v4[1].length)}${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) throw new RangeError(`'${a}' is not an IPv6 address`);
  const [head, tail] = halves;
  const groups = (s: string | undefined): number[] => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const h = groups(head);
  const t = text.includes('::') ? groups(tail) : [];
  const all = text.includes('::') ? [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t] : h;
  if (all.length !== 8 || all.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff)) throw new RangeError(`'${a}' is not an IPv6 address`);
  all.forEach((g, i) => { out[2 * i] = g >> 8; out[2 * i + 1] = g & 0xff; });
  return out;
}
