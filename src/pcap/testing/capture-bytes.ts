// Capture files built byte by byte for tests, the fuzzer and the benchmark: classic pcap in either
// byte order with micro- or nanosecond timestamps, pcapng in either byte order with several
// interfaces, simple packet blocks and comments, and the link layers tcplens reads around an IP
// datagram (Ethernet with VLAN tags, Linux cooked SLL and SLL2, BSD loopback).
import { encodeSegment } from '../wire.js';
import { flagsFromLetters, type Segment } from '../../core/segment.js';
import { seq } from '../../core/seq.js';

export interface Rec { atMs: number; data: Uint8Array; origLen?: number }

class Out {
  private parts: number[] = [];
  constructor(private readonly little: boolean) {}
  u8(...v: number[]): this { this.parts.push(...v.map((x) => x & 0xff)); return this; }
  u16(v: number): this { return this.little ? this.u8(v, v >> 8) : this.u8(v >> 8, v); }
  u32(v: number): this { return this.little ? this.u8(v, v >> 8, v >> 16, v >>> 24) : this.u8(v >>> 24, v >> 16, v >> 8, v); }
  bytes(b: Uint8Array): this { for (const x of b) this.parts.push(x); return this; }
  pad(): this { while (this.parts.length % 4) this.parts.push(0); return this; }
  get length(): number { return this.parts.length; }
  done(): Uint8Array { return Uint8Array.from(this.parts); }
}

/** A classic pcap file. */
export function pcapFile(recs: readonly Rec[], o: { little?: boolean; nano?: boolean; linkType?: number; snaplen?: number } = {}): Uint8Array {
  const w = new Out(o.little ?? true);
  w.u32(o.nano ? 0xa1b23c4d : 0xa1b2c3d4).u16(2).u16(4).u32(0).u32(0).u32(o.snaplen ?? 262144).u32(o.linkType ?? 101);
  for (const r of recs) {
    const sec = Math.floor(r.atMs / 1000);
    const frac = o.nano ? Math.round((r.atMs - sec * 1000) * 1e6) : Math.round((r.atMs - sec * 1000) * 1000);
    w.u32(sec).u32(frac).u32(r.data.length).u32(r.origLen ?? r.data.length).bytes(r.data);
  }
  return w.done();
}

export interface NgPacket extends Rec { iface?: number; comment?: string; simple?: boolean }

/** A pcapng section: one SHB, an IDB per interface, then the packets. */
export function pcapngFile(packets: readonly NgPacket[], o: { little?: boolean; interfaces?: Array<{ linkType: number; name?: string; tsresol?: number; snaplen?: number }> } = {}): Uint8Array {
  const little = o.little ?? true;
  const blocks: Uint8Array[] = [];
  const block = (type: number, body: (w: Out) => void): void => {
    const inner = new Out(little);
    body(inner);
    inner.pad();
    const total = 12 + inner.length;
    const w = new Out(little);
    w.u32(type).u32(total).bytes(inner.done()).u32(total);
    blocks.push(w.done());
  };
  const enc = new TextEncoder();
  const option = (w: Out, code: number, v: Uint8Array): void => { w.u16(code).u16(v.length).bytes(v).pad(); };
  block(0x0a0d0d0a, (w) => { w.u32(0x1a2b3c4d).u16(1).u16(0).u32(0xffffffff).u32(0xffffffff); });
  const ifs = o.interfaces ?? [{ linkType: 101 }];
  for (const i of ifs) {
    block(1, (w) => {
      w.u16(i.linkType).u16(0).u32(i.snaplen ?? 0);
      if (i.name) option(w, 2, enc.encode(i.name));
      if (i.tsresol !== undefined) option(w, 9, Uint8Array.of(i.tsresol));
      if (i.name || i.tsresol !== undefined) w.u16(0).u16(0);
    });
  }
  for (const p of packets) {
    if (p.simple) {
      block(3, (w) => { w.u32(p.origLen ?? p.data.length).bytes(p.data); });
      continue;
    }
    const res = ifs[p.iface ?? 0].tsresol ?? 6;
    const units = res & 0x80 ? 2 ** (res & 0x7f) : 10 ** res;
    const ts = BigInt(Math.round((p.atMs / 1000) * units));
    block(6, (w) => {
      w.u32(p.iface ?? 0).u32(Number(ts >> 32n)).u32(Number(ts & 0xffffffffn)).u32(p.data.length).u32(p.origLen ?? p.data.length).bytes(p.data).pad();
      if (p.comment) { option(w, 1, enc.encode(p.comment)); w.u16(0).u16(0); }
    });
  }
  const out = new Uint8Array(blocks.reduce((a, b) => a + b.length, 0));
  let at = 0;
  for (const b of blocks) { out.set(b, at); at += b.length; }
  return out;
}

/** A segment from tcpdump-like words: `seg('10.0.0.1:1000', '10.0.0.2:80', 'S', 100)`. */
export function seg(from: string, to: string, letters: string, s: number, a = 0, len = 0, window = 65535): Segment {
  const split = (e: string): [string, number] => {
    const i = e.lastIndexOf(':');
    return [e.slice(0, i).replace(/^\[|\]$/g, ''), Number(e.slice(i + 1))];
  };
  const [srcAddr, srcPort] = split(from);
  const [dstAddr, dstPort] = split(to);
  return { srcAddr, srcPort, dstAddr, dstPort, seq: seq(s >>> 0), ack: seq(a >>> 0), flags: flagsFromLetters(letters), window, urgent: 0, options: [], payload: new Uint8Array(len) };
}

const v6 = (ip: Uint8Array): boolean => ip[0] >> 4 === 6;

/** Link-layer framings of an IP datagram, by LINKTYPE. */
export const FRAME: Record<string, { linkType: number; wrap: (ip: Uint8Array) => Uint8Array }> = {
  raw: { linkType: 101, wrap: (ip) => ip },
  ipv4or6: { linkType: 228, wrap: (ip) => ip },
  ethernet: { linkType: 1, wrap: (ip) => Uint8Array.from([...new Array<number>(12).fill(2), ...(v6(ip) ? [0x86, 0xdd] : [0x08, 0x00]), ...ip]) },
  vlan: { linkType: 1, wrap: (ip) => Uint8Array.from([...new Array<number>(12).fill(2), 0x81, 0x00, 0x00, 0x2a, ...(v6(ip) ? [0x86, 0xdd] : [0x08, 0x00]), ...ip]) },
  sll: { linkType: 113, wrap: (ip) => Uint8Array.from([0, 4, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, ...(v6(ip) ? [0x86, 0xdd] : [0x08, 0x00]), ...ip]) },
  sll2: { linkType: 276, wrap: (ip) => Uint8Array.from([...(v6(ip) ? [0x86, 0xdd] : [0x08, 0x00]), 0, 0, 0, 0, 0, 1, 0, 1, 4, 6, 1, 2, 3, 4, 5, 6, 0, 0, ...ip]) },
  null: { linkType: 0, wrap: (ip) => Uint8Array.from([v6(ip) ? 30 : 2, 0, 0, 0, ...ip]) },
  loop: { linkType: 108, wrap: (ip) => Uint8Array.from([0, 0, 0, v6(ip) ? 24 : 2, ...ip]) },
};

/** The IP datagram of a segment. */
export function ipOf(s: Segment): Uint8Array {
  return encodeSegment(s, 1);
}

/**
 * One long transfer as classic pcap records, a block at a time: 1448-byte segments
 * 10.0.0.1:40000 → 10.0.0.2:80 and their ACKs, one record a millisecond, from two templates whose
 * sequence numbers are patched in place (checksums are not what the readers of these files check).
 * For captures of hundreds of MB without holding them: write `next()`'s block, then call it again.
 */
export class BulkTransferBlocks {
  /** Records written so far, and the next record's time (ms from 0). */
  packets = 0;
  atMs = 0;
  private s = 1;
  private readonly data = ipOf(seg('10.0.0.1:40000', '10.0.0.2:80', '.', 1, 1, 1448));
  private readonly ack = ipOf(seg('10.0.0.2:80', '10.0.0.1:40000', '.', 1, 1));
  private readonly pairLen = 32 + this.data.length + this.ack.length;
  private readonly block: Uint8Array;
  private readonly dv: DataView;

  constructor(private readonly pairsPerBlock = 1024) {
    this.block = new Uint8Array(this.pairLen * pairsPerBlock);
    this.dv = new DataView(this.block.buffer);
  }

  /** The next `pairsPerBlock` data segments and ACKs; the same buffer each call, refilled. */
  next(): Uint8Array {
    const dv = this.dv;
    for (let i = 0; i < this.pairsPerBlock; i++) {
      let o = i * this.pairLen;
      for (const [bytes, patch] of [[this.data, 24], [this.ack, 28]] as const) {
        dv.setUint32(o, Math.floor(this.atMs / 1000), true);
        dv.setUint32(o + 4, (this.atMs % 1000) * 1000, true);
        dv.setUint32(o + 8, bytes.length, true);
        dv.setUint32(o + 12, bytes.length, true);
        this.block.set(bytes, o + 16);
        // seq of the data, ack of the ACK: both the data's end once sent.
        dv.setUint32(o + 16 + patch, patch === 24 ? this.s : (this.s + 1448) >>> 0);
        o += 16 + bytes.length;
        this.atMs++;
        this.packets++;
      }
      this.s = (this.s + 1448) >>> 0;
    }
    return this.block;
  }
}
