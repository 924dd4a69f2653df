// READ THIS FIRST — a capture file read piece by piece: the classic pcap format (tcpdump's
// default) and pcapng (Wireshark's and tshark's), each in either byte order, fed in chunks of any
// size so a capture of gigabytes passes through in the memory of its largest packet.
//
// Rules it keeps:
// - pcap: the 24-byte file header's magic says byte order and resolution (0xa1b2c3d4 microseconds,
//   0xa1b23c4d nanoseconds); one link type and snapshot length for the whole file; each record is
//   a 16-byte header (seconds, fraction, captured length, original length) and the bytes.
// - pcapng (draft-ietf-opsawg-pcapng): blocks of type, length, body, length again. A Section Header
//   Block's byte-order magic sets the byte order of its section and forgets the interfaces before
//   it; Interface Description Blocks give each interface its link type, snapshot length, name and
//   timestamp resolution (if_tsresol, default microseconds) and offset (if_tsoffset); Enhanced,
//   Simple and obsolete Packet Blocks carry packets, with an opt_comment when there is one. Every
//   other block is skipped by its length.
// - A damaged file is an error located at a packet and a byte ("packet 12 at byte 3456: …"): a
//   wrong magic, a block length that is not a multiple of four or disagrees with its trailer, a
//   captured length larger than the snapshot length or than any real packet, a file that ends
//   inside a header or a packet. A packet cut by the snapshot length is not an error here (tcpdump
//   -s does it on purpose); the decoder says whether what it needs was cut.
/** A packet as the capture holds it, before any header is decoded. */
export interface CapturedFrame {
  /** 1-based, in file order (the number Wireshark shows). */
  index: number;
  /** Byte offset of its record or block in the file. */
  offset: number;
  /** Milliseconds since the epoch, fractional (microsecond or nanosecond captures keep their precision). */
  atMs: number;
  /** LINKTYPE_* of its interface. */
  linkType: number;
  /** Interface number within its section (0 for pcap). */
  iface: number;
  ifaceName?: string;
  /** The captured bytes (a view, valid until the next push). */
  data: Uint8Array;
  /** The packet's length on the wire; more than data.length when the snapshot length cut it. */
  origLen: number;
  comment?: string;
}

/** A capture that cannot be read further, with where. */
export class CaptureFileError extends Error {
  constructor(readonly where: { packet?: number; offset: number }, readonly detail: string) {
    super(`${where.packet !== undefined ? `packet ${where.packet} at byte ${where.offset}` : `byte ${where.offset}`}: ${detail}`);
  }
}

interface Iface { linkType: number; snaplen: number; name?: string; unitsPerSec: number; offsetSec: number }

/** The largest packet a capture holds: Linux's 256 KiB TSO/GRO limit, as tcpdump's MAXIMUM_SNAPLEN. */
export const MAX_PACKET = 262_144;
/** A pcapng block larger than this is damage, not data (a packet plus generous options). */
const MAX_BLOCK = MAX_PACKET + 65_536;

const PCAP_US = 0xa1b2c3d4;
const PCAP_NS = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

const decoder = new TextDecoder('utf-8');

/** Feed chunks with `push`; each returns the packets completed by that chunk. Call `end()` at the end. */
export class CaptureReader {
  /** 'pcap' or 'pcapng' once the first bytes are read. */
  format: 'pcap' | 'pcapng' | undefined;
  private buf: Uint8Array = new Uint8Array(0);
  /** File offset of buf[0]. */
  private base = 0;
  private little = true;
  private packets = 0;
  // pcap
  private pcapIface: Iface | undefined;
  // pcapng
  private ifaces: Iface[] = [];
  private sawShb = false;

  /** The damage that stopped the reading: push returned the packets before it, and end throws it. */
  failure: CaptureFileError | undefined;

  push(chunk: Uint8Array): CapturedFrame[] {
    if (this.failure) throw this.failure;
    this.buf = this.buf.length === 0 ? chunk : concat(this.buf, chunk);
    const out: CapturedFrame[] = [];
    let pos = 0;
    try {
      for (;;) {
        const used = this.format === 'pcapng' || (this.format === undefined && this.startsPcapng())
          ? this.nextBlock(pos, out) : this.nextRecord(pos, out);
        if (used === 0) break;
        pos += used;
      }
    } catch (e) {
      // The packets before the damage are returned whatever the chunk sizes, so a reading does not
      // depend on how the file was cut into pieces.
      if (!(e instanceof CaptureFileError)) throw e;
      this.failure = e;
      return out;
    }
    // Keep only the incomplete tail; copy it so the caller's chunk can be reused.
    this.buf = pos === this.buf.length ? new Uint8Array(0) : this.buf.slice(pos);
    this.base += pos;
    return out;
  }

  /** Throws CaptureFileError when the file stopped inside a header or a packet. */
  end(): void {
    if (this.failure) throw this.failure;
    if (this.format === undefined) {
      if (this.buf.length === 0) throw new CaptureFileError({ offset: 0 }, 'the file is empty: not a pcap or pcapng capture');
      throw new CaptureFileError({ offset: 0 }, `${this.buf.length} bytes are too short for a capture's file header (24 bytes for pcap, 28 for pcapng)`);
    }
    if (this.buf.length > 0) {
      const what = this.format === 'pcap' ? 'record' : 'block';
      throw new CaptureFileError({ packet: this.packets + 1, offset: this.base },
        `the file ends inside this ${what} (${this.buf.length} bytes of it are there): the capture is truncated (tcpdump killed, disk full, or a copy cut short)`);
    }
  }

  get packetCount(): number { return this.packets; }

  private startsPcapng(): boolean {
    return this.buf.length >= 4 && this.u32be(0) === PCAPNG_SHB;
  }

  private u32be(at: number): number {
    const b = this.buf;
    return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
  }

  private u32(at: number): number {
    const b = this.buf;
    return this.little ? ((b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0) : this.u32be(at);
  }

  private u16(at: number): number {
    const b = this.buf;
    return this.little ? b[at] | (b[at + 1] << 8) : (b[at] << 8) | b[at + 1];
  }

  // ---- pcap ----

  /** Bytes consumed at `pos` (0: need more). */
  private nextRecord(pos: number, out: CapturedFrame[]): number {
    const avail = this.buf.length - pos;
    if (this.format === undefined) {
      if (avail < 24) {
        if (avail >= 4) this.checkMagic();
        return 0;
      }
      this.checkMagic();
      const magic = this.u32be(0);
      this.little = magic !== PCAP_US && magic !== PCAP_NS;
      const m = this.u32(0);
      const major = this.u16(4);
      if (major !== 2) throw new CaptureFileError({ offset: 4 }, `pcap version ${major}.${this.u16(6)}: only version 2.x exists`);
      const snaplen = this.u32(16);
      this.pcapIface = { linkType: this.u32(20) & 0xffff, snaplen, unitsPerSec: m === PCAP_NS ? 1e9 : 1e6, offsetSec: 0 };
      this.format = 'pcap';
      return 24;
    }
    if (avail < 16) return 0;
    const iface = this.pcapIface as Iface;
    const caplen = this.u32(pos + 8);
    const origLen = this.u32(pos + 12);
    const where = { packet: this.packets + 1, offset: this.base + pos };
    if (caplen > MAX_PACKET || (iface.snaplen > 0 && caplen > Math.max(iface.snaplen, 65_535))) {
      throw new CaptureFileError(where, `captured length ${caplen} is larger than the snapshot length ${iface.snaplen}: the record header is damaged`);
    }
    if (avail < 16 + caplen) return 0;
    const frac = this.u32(pos + 4);
    if (frac >= iface.unitsPerSec) throw new CaptureFileError(where, `timestamp fraction ${frac} is not below ${iface.unitsPerSec}: the record header is damaged`);
    this.packets++;
    out.push({
      index: this.packets, offset: where.offset, atMs: this.u32(pos) * 1000 + (frac * 1000) / iface.unitsPerSec,
      linkType: iface.linkType, iface: 0, data: this.buf.subarray(pos + 16, pos + 16 + caplen), origLen: Math.max(origLen, caplen),
    });
    return 16 + caplen;
  }

  private checkMagic(): void {
    const be = this.u32be(0);
    const le = ((this.buf[0] | (this.buf[1] << 8) | (this.buf[2] << 16) | (this.buf[3] << 24)) >>> 0);
    if ([PCAP_US, PCAP_NS].includes(be) || [PCAP_US, PCAP_NS].includes(le)) return;
    throw new CaptureFileError({ offset: 0 }, `not a pcap or pcapng capture (it starts with ${hex(this.buf.subarray(0, 4))}${knownKind(this.buf)})`);
  }

  // ---- pcapng ----

  private nextBlock(pos: number, out: CapturedFrame[]): number {
    const avail = this.buf.length - pos;
    if (avail < 12) return 0;
    const at = this.base + pos;
    const type = this.u32be(pos) === PCAPNG_SHB ? PCAPNG_SHB : this.u32(pos);
    if (type === PCAPNG_SHB) {
      // The byte order comes from this block's own magic, which follows its length.
      const bom = this.u32be(pos + 8);
      if (bom === BYTE_ORDER_MAGIC) this.little = false;
      else if (bom === 0x4d3c2b1a) this.little = true;
      else throw new CaptureFileError({ offset: at + 8 }, `a pcapng section header with byte-order magic ${hex(this.buf.subarray(pos + 8, pos + 12))} (0x1a2b3c4d in either order expected): not a pcapng file, or a damaged one`);
      this.format = 'pcapng';
      this.sawShb = true;
      this.ifaces = [];
    } else if (!this.sawShb) {
      throw new CaptureFileError({ offset: 0 }, 'not a pcapng capture: it does not start with a section header block');
    }
    const len = this.u32(pos + 4);
    const where = { packet: this.packets + 1, offset: at };
    if (len < 12 || len % 4 !== 0 || len > MAX_BLOCK) {
      throw new CaptureFileError(where, `a pcapng block of type 0x${type.toString(16)} claims ${len} bytes (a multiple of 4 from 12 to ${MAX_BLOCK} expected): the file is damaged`);
    }
    if (avail < len) return 0;
    if (this.u32(pos + len - 4) !== len) {
      throw new CaptureFileError(where, `a pcapng block of ${len} bytes whose trailing length says ${this.u32(pos + len - 4)}: the file is damaged`);
    }
    const body = pos + 8;
    const bodyEnd = pos + len - 4;
    switch (type) {
      case PCAPNG_SHB: break;
      case 1: this.interfaceBlock(body, bodyEnd, where); break;
      case 6: this.packetBlock(body, bodyEnd, where, out, 'epb'); break;
      case 2: this.packetBlock(body, bodyEnd, where, out, 'pb'); break;
      case 3: this.simpleBlock(body, bodyEnd, where, out); break;
      default: break;
    }
    return len;
  }

  private interfaceBlock(body: number, end: number, where: { offset: number }): void {
    if (end - body < 8) throw new CaptureFileError(where, 'an interface description block too short for its fields: the file is damaged');
    const iface: Iface = { linkType: this.u16(body), snaplen: this.u32(body + 4), unitsPerSec: 1e6, offsetSec: 0 };
    for (const o of this.options(body + 8, end, where)) {
      if (o.code === 2) iface.name = decoder.decode(this.buf.subarray(o.at, o.at + o.len));
      else if (o.code === 9 && o.len >= 1) {
        const r = this.buf[o.at];
        iface.unitsPerSec = r & 0x80 ? 2 ** (r & 0x7f) : 10 ** r;
      } else if (o.code === 14 && o.len >= 8) {
        iface.offsetSec = this.u32(o.at + (this.little ? 4 : 0)) * 4294967296 + this.u32(o.at + (this.little ? 0 : 4));
      }
    }
    this.ifaces.push(iface);
  }

  private iface(n: number, where: { packet?: number; offset: number }): Iface {
    const i = this.ifaces[n];
    if (!i) throw new CaptureFileError(where, `a packet on interface ${n}, but the section describes ${this.ifaces.length} interface(s): the file is damaged`);
    return i;
  }

  private packetBlock(body: number, end: number, where: { packet: number; offset: number }, out: CapturedFrame[], kind: 'epb' | 'pb'): void {
    if (end - body < 20) throw new CaptureFileError(where, 'a packet block too short for its fields: the file is damaged');
    const n = kind === 'epb' ? this.u32(body) : this.u16(body);
    const iface = this.iface(n, where);
    const hi = this.u32(body + 4);
    const lo = this.u32(body + 8);
    const caplen = this.u32(body + 12);
    const origLen = this.u32(body + 16);
    const dataAt = body + 20;
    if (caplen > end - dataAt) throw new CaptureFileError(where, `captured length ${caplen} does not fit in its block of ${end - body + 12} bytes: the file is damaged`);
    let comment: string | undefined;
    for (const o of this.options(dataAt + pad4(caplen), end, where)) {
      if (o.code === 1) comment = decoder.decode(this.buf.subarray(o.at, o.at + o.len));
    }
    this.packets++;
    out.push({
      index: this.packets, offset: where.offset, atMs: ((hi * 4294967296 + lo) / iface.unitsPerSec + iface.offsetSec) * 1000,
      linkType: iface.linkType, iface: n, ifaceName: iface.name, data: this.buf.subarray(dataAt, dataAt + caplen),
      origLen: Math.max(origLen, caplen), comment,
    });
  }

  private simpleBlock(body: number, end: number, where: { packet: number; offset: number }, out: CapturedFrame[]): void {
    if (end - body < 4) throw new CaptureFileError(where, 'a simple packet block too short for its length field: the file is damaged');
    const iface = this.iface(0, where);
    const origLen = this.u32(body);
    const room = end - body - 4;
    const caplen = Math.min(origLen, room, iface.snaplen > 0 ? iface.snaplen : room);
    this.packets++;
    // A simple packet block has no timestamp: Wireshark shows 0 too.
    out.push({ index: this.packets, offset: where.offset, atMs: 0, linkType: iface.linkType, iface: 0, ifaceName: iface.name,
      data: this.buf.subarray(body + 4, body + 4 + caplen), origLen: Math.max(origLen, caplen) });
  }

  private *options(from: number, end: number, where: { offset: number }): Generator<{ code: number; at: number; len: number }> {
    let p = from;
    while (p + 4 <= end) {
      const code = this.u16(p);
      const len = this.u16(p + 2);
      if (code === 0) return;
      if (p + 4 + len > end) throw new CaptureFileError(where, `option ${code} of ${len} bytes runs past the end of its block: the file is damaged`);
      yield { code, at: p + 4, len };
      p += 4 + pad4(len);
    }
  }
}

const pad4 = (n: number): number => (n + 3) & ~3;

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
}

/** What a file that is not a capture probably is, from its first bytes. */
function knownKind(b: Uint8Array): string {
  if (b[0] === 0x1f && b[1] === 0x8b) return ': gzip, unpack it first (gunzip)';
  if (b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd) return ': zstd, unpack it first (unzstd)';
  if (b[0] === 0x50 && b[1] === 0x4b) return ': a zip archive';
  if (b[0] === 0x34 && b[1] === 0xcd && b[2] === 0xb2 && b[3] === 0xa1) return ': a Kuznetzov/modified pcap, convert it with editcap';
  if (b.subarray(0, 4).every((x) => x >= 0x20 && x < 0x7f)) return ': text — tcpdump\'s printed output rather than a -w file?';
  return '';
}
