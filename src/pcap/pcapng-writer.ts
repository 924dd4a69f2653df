// A pcapng file (the format Wireshark and tshark write today) of segments seen on one or more hosts'
// interfaces: one Section Header Block, one Interface Description Block per host (raw IP link type,
// named after the host), and one Enhanced Packet Block per packet, whose comment carries what a
// capture cannot show by itself — each end's TCP state.
//
// Block layouts follow the pcapng specification (IETF draft-ietf-opsawg-pcapng): every block is
// type, total length, body, total length again; bodies and options are padded to 32 bits; the
// byte-order magic 0x1A2B3C4D tells readers the file's endianness (little-endian here).
import { encodeSegment } from './wire.js';
import type { Segment } from '../core/segment.js';

/** LINKTYPE_RAW: packets start with the IP header, version in the first nibble (IPv4 or IPv6). */
const LINKTYPE_RAW = 101;
const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const EPB = 0x00000006;

export interface CapturedPacket {
  /** Milliseconds since the capture's start (the lab's virtual time). */
  at: number;
  /** Which interface saw it: one of the writer's interface names. */
  iface: string;
  seg: Segment;
  /** A comment Wireshark shows with the packet (`pkt_comment`). */
  comment?: string;
}

export interface PcapngOptions {
  /** Interface names, in order (each becomes an Interface Description Block). */
  interfaces: string[];
  /** Wall-clock time of virtual time 0, ms since the epoch (timestamps are start + at). */
  startEpochMs?: number;
  /** The application that wrote the file (shb_userappl). */
  application?: string;
}

/** The whole file for these packets, in the order given. */
export function writePcapng(packets: readonly CapturedPacket[], o: PcapngOptions): Uint8Array {
  const blocks: Uint8Array[] = [];
  blocks.push(block(SHB, concat([u32(0x1a2b3c4d), u16(1), u16(0), u32(0xffffffff), u32(0xffffffff)]),
    [option(4, text(o.application ?? 'tcplens'))]));
  const ifIndex = new Map<string, number>();
  o.interfaces.forEach((name, i) => {
    ifIndex.set(name, i);
    // if_tsresol 6: timestamps in microseconds.
    blocks.push(block(IDB, concat([u16(LINKTYPE_RAW), u16(0), u32(0)]), [option(2, text(name)), option(9, Uint8Array.of(6))]));
  });
  const ipIds = new Map<string, number>();
  const start = BigInt(Math.round((o.startEpochMs ?? 0) * 1000));
  for (const p of packets) {
    const i = ifIndex.get(p.iface);
    if (i === undefined) throw new RangeError(`packet on interface '${p.iface}', which is not among ${o.interfaces.join(', ')}`);
    const id = (ipIds.get(p.seg.srcAddr) ?? 0) + 1;
    ipIds.set(p.seg.srcAddr, id);
    const data = encodeSegment(p.seg, id);
    const ts = start + BigInt(Math.round(p.at * 1000));
    const body = concat([u32(i), u32(Number(ts >> 32n)), u32(Number(ts & 0xffffffffn)), u32(data.length), u32(data.length), pad4(data)]);
    blocks.push(block(EPB, body, p.comment ? [option(1, text(p.comment))] : []));
  }
  return concat(blocks);
}

function block(type: number, body: Uint8Array, options: Uint8Array[]): Uint8Array {
  const opts = options.length ? concat([...options, u16(0), u16(0)]) : new Uint8Array(0);
  const len = 12 + body.length + opts.length;
  return concat([u32(type), u32(len), body, opts, u32(len)]);
}

function option(code: number, value: Uint8Array): Uint8Array {
  return concat([u16(code), u16(value.length), pad4(value)]);
}

function pad4(b: Uint8Array): Uint8Array {
  if (b.length % 4 === 0) return b;
  const out = new Uint8Array(b.length + (4 - (b.length % 4)));
  out.set(b);
  return out;
}

function text(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

function u16(v: number): Uint8Array {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, v, true);
  return b;
}

function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
