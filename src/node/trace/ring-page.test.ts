// The ring-buffer page decoder on pages built byte by byte, as kernel/trace/ring_buffer.c lays them
// out (64-bit kernel: an 8-byte commit, data from byte 16), and the raw reader on a fake instance
// whose per-CPU files hold such pages.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { decodePage, parseEventFormat, parseHeaderPage, type PageLayout } from './ring-page.js';
import { openRawReader } from './raw-reader.js';
import type { TransitionEvent } from './state-trace.js';

const HEADER_PAGE = `\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;
\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;
\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;
\tfield: char data;\toffset:16;\tsize:4080;\tsigned:0;
`;

// Linux 6.x's format file for the event (offsets as printed; other kernels differ, which is why
// they are read, never assumed).
const FORMAT = `name: inet_sock_set_state
ID: 2287
format:
\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

\tfield:const void * skaddr;\toffset:8;\tsize:8;\tsigned:0;
\tfield:int oldstate;\toffset:16;\tsize:4;\tsigned:1;
\tfield:int newstate;\toffset:20;\tsize:4;\tsigned:1;
\tfield:__u16 sport;\toffset:24;\tsize:2;\tsigned:0;
\tfield:__u16 dport;\toffset:26;\tsize:2;\tsigned:0;
\tfield:__u16 family;\toffset:28;\tsize:2;\tsigned:0;
\tfield:__u16 protocol;\toffset:30;\tsize:2;\tsigned:0;
\tfield:__u8 saddr[4];\toffset:32;\tsize:4;\tsigned:0;
\tfield:__u8 daddr[4];\toffset:36;\tsize:4;\tsigned:0;
\tfield:__u8 saddr_v6[16];\toffset:40;\tsize:16;\tsigned:0;
\tfield:__u8 daddr_v6[16];\toffset:56;\tsize:16;\tsigned:0;

print fmt: "family=%s ..."
`;

const LAYOUT = parseHeaderPage(HEADER_PAGE) as PageLayout;

/** Builds one page: `events` are the data area's bytes, `commit` defaults to their length. */
class PageBuilder {
  private readonly parts: Buffer[] = [];
  constructor(private readonly timestamp: bigint) {}
  header(typeLen: number, delta: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(((delta << 5) | typeLen) >>> 0);
    this.parts.push(b);
    return this;
  }
  u32(v: number): this { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); this.parts.push(b); return this; }
  bytes(b: Buffer): this { this.parts.push(b); return this; }
  /** A record of `len` bytes (a multiple of 4) with a small header. */
  small(delta: number, rec: Buffer): this { return this.header(rec.length / 4, delta).bytes(rec); }
  build(opts: { commit?: number; flags?: number; lostStored?: number; pageSize?: number } = {}): Buffer {
    const data = Buffer.concat(this.parts);
    const page = Buffer.alloc(opts.pageSize ?? 4096);
    page.writeBigUInt64LE(this.timestamp, 0);
    const commit = opts.commit ?? data.length;
    page.writeUInt32LE(((commit | (opts.flags ?? 0)) >>> 0), 8);
    data.copy(page, 16);
    if (opts.lostStored !== undefined) page.writeBigUInt64LE(BigInt(opts.lostStored), 16 + commit);
    return page;
  }
}

function rec(tag: number, len = 8): Buffer {
  const b = Buffer.alloc(len);
  b.writeUInt32LE(tag, 0);
  return b;
}

function decode(page: Buffer, length = page.length): { tags: number[]; times: number[]; lengths: number[]; res: ReturnType<typeof decodePage> } {
  const dv = new DataView(page.buffer, page.byteOffset, page.byteLength);
  const tags: number[] = [];
  const times: number[] = [];
  const lengths: number[] = [];
  const res = decodePage(dv, 0, length, LAYOUT, (at, len, t) => { tags.push(dv.getUint32(at, true)); times.push(t); lengths.push(len); });
  return { tags, times, lengths, res };
}

test('header_page gives the page layout; a format file gives id and offsets, and names a missing field', () => {
  assert.deepEqual(LAYOUT, { pageSize: 4096, commitOffset: 8, commitSize: 8, dataOffset: 16 });
  const f = parseEventFormat(FORMAT);
  assert.ok(typeof f !== 'string');
  assert.equal(f.id, 2287);
  assert.deepEqual(f.fields.saddr_v6, { offset: 40, size: 16 });
  assert.deepEqual(f.fields.skaddr, { offset: 8, size: 8 });
  assert.equal(parseEventFormat(FORMAT.replace(/.*daddr_v6.*\n/, '')), 'format lacks the field daddr_v6');
  assert.match(parseHeaderPage('field: u64 timestamp; offset:0; size:8;') as string, /lacks/);
});

test('small records advance the clock by their delta; time extend and an absolute stamp set it', () => {
  const page = new PageBuilder(1_000_000n)
    .small(5, rec(1))
    .header(30, 3).u32(2) // time extend: 2 << 27 | 3
    .small(7, rec(2, 12))
    .header(31, 100).u32(0) // absolute stamp: 100
    .small(1, rec(3))
    .build();
  const { tags, times, lengths, res } = decode(page);
  assert.deepEqual(tags, [1, 2, 3]);
  assert.deepEqual(lengths, [8, 12, 8]);
  assert.deepEqual(times, [1_000_005, 1_000_005 + 2 * 2 ** 27 + 3 + 7, 101]);
  assert.deepEqual(res, { records: 3, lost: 0 });
});

test('a record with a length word (type_len 0) and a discarded event (padding with a length) are read past', () => {
  const big = rec(9, 200);
  const page = new PageBuilder(0n)
    .header(0, 10).u32(big.length + 4).bytes(big)
    // A discarded 12-byte event: its first data word now holds its length (rb_event_discard()).
    .header(29, 4).u32(12).bytes(Buffer.alloc(8))
    .small(2, rec(4))
    .build();
  const { tags, times, lengths } = decode(page);
  assert.deepEqual(tags, [9, 4]);
  assert.deepEqual(lengths, [200, 8]);
  // The discarded event's delta is not counted, as the kernel's own reader does not count it.
  assert.deepEqual(times, [10, 12]);
});

test('padding with no delta ends the page; bytes after the commit are never read', () => {
  const stale = new PageBuilder(0n).small(1, rec(1)).header(29, 0).small(1, rec(66)).build();
  assert.deepEqual(decode(stale).tags, [1]);
  // Commit covers the first record only: the second (stale data of an earlier use of the page) is ignored.
  const p = new PageBuilder(0n).small(1, rec(1)).small(1, rec(77)).build({ commit: 12 });
  const d = decode(p);
  assert.deepEqual(d.tags, [1]);
  assert.equal(d.res.error, undefined);
});

test('a record crossing the commit end stops the page with a located error, keeping what came before', () => {
  const p = new PageBuilder(0n).small(1, rec(1)).small(1, rec(2, 16)).build({ commit: 12 + 10 });
  const d = decode(p);
  assert.deepEqual(d.tags, [1]);
  assert.match(d.res.error ?? '', /byte 28: a 16-byte record crosses the commit end/);
  const torn = new PageBuilder(0n).small(1, rec(1)).header(30, 1).build({ commit: 12 + 4 });
  assert.match(decode(torn).res.error ?? '', /byte 28: time extend crosses the commit end/);
});

test('hostile and short pages give errors, never a throw', () => {
  const huge = new PageBuilder(0n).small(1, rec(1)).build({ commit: 5000 });
  assert.match(decode(huge).res.error ?? '', /runs past the 4096-byte page/);
  const full = new PageBuilder(0n).small(1, rec(1)).small(1, rec(2)).build();
  assert.match(decode(full, 30).res.error ?? '', /truncated page: commit 24 but 14 data bytes read/);
  assert.match(decode(full, 10).res.error ?? '', /short page/);
  assert.deepEqual(decode(full, 0).res, { records: 0, lost: 0 });
  const zeroLen = new PageBuilder(0n).header(0, 1).u32(0).build();
  assert.match(decode(zeroLen).res.error ?? '', /below its own length word/);
  // Random bytes: whatever they say, decoding ends.
  for (let seed = 1; seed < 200; seed++) {
    const b = Buffer.alloc(4096);
    let x = seed;
    for (let i = 0; i < b.length; i++) { x = (x * 1103515245 + 12345) >>> 0; b[i] = x >>> 24; }
    b.writeUInt32LE(seed * 37 % 4200, 8);
    assert.doesNotThrow(() => decode(b));
  }
});

test('lost events: the flag alone counts one (a lower bound), a stored count is read after the data', () => {
  const flagged = new PageBuilder(0n).small(1, rec(1)).build({ flags: 0x8000_0000 });
  assert.equal(decode(flagged).res.lost, 1);
  const stored = new PageBuilder(0n).small(1, rec(1)).build({ flags: 0xc000_0000, lostStored: 1234 });
  const d = decode(stored);
  assert.equal(d.res.lost, 1234);
  assert.deepEqual(d.tags, [1]);
});

/** One inet_sock_set_state record as the format above lays it out. */
function sockRecord(o: { type?: number; pid: number; from: number; to: number; sport: number; dport: number; family: number; protocol?: number; s4?: number[]; d4?: number[]; s6?: number[]; d6?: number[] }): Buffer {
  const b = Buffer.alloc(72);
  b.writeUInt16LE(o.type ?? 2287, 0);
  b.writeInt32LE(o.pid, 4);
  b.writeInt32LE(o.from, 16);
  b.writeInt32LE(o.to, 20);
  b.writeUInt16LE(o.sport, 24);
  b.writeUInt16LE(o.dport, 26);
  b.writeUInt16LE(o.family, 28);
  b.writeUInt16LE(o.protocol ?? 6, 30);
  Buffer.from(o.s4 ?? [0, 0, 0, 0]).copy(b, 32);
  Buffer.from(o.d4 ?? [0, 0, 0, 0]).copy(b, 36);
  Buffer.from(o.s6 ?? new Array(16).fill(0)).copy(b, 40);
  Buffer.from(o.d6 ?? new Array(16).fill(0)).copy(b, 56);
  return b;
}

test('the raw reader decodes records by the format file, skips other event ids, merges CPUs by time', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tlt-raw-'));
  try {
    mkdirSync(path.join(dir, 'events/sock/inet_sock_set_state'), { recursive: true });
    writeFileSync(path.join(dir, 'events/header_page'), HEADER_PAGE);
    writeFileSync(path.join(dir, 'events/sock/inet_sock_set_state/format'), FORMAT);
    const mapped = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1];
    const v6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
    const cpu0 = new PageBuilder(1_000_000_000n)
      .small(0, sockRecord({ pid: 0, from: 1, to: 8, sport: 80, dport: 40000, family: 2, s4: [10, 0, 0, 1], d4: [10, 0, 0, 2] }))
      .small(10, sockRecord({ type: 99, pid: 0, from: 1, to: 8, sport: 1, dport: 1, family: 2 })) // another event: skipped
      .small(3_000_000, sockRecord({ pid: 0, from: 8, to: 9, sport: 80, dport: 40000, family: 2, s4: [10, 0, 0, 1], d4: [10, 0, 0, 2] }))
      .build();
    const cpu1 = new PageBuilder(1_001_000_000n)
      .small(0, sockRecord({ pid: 0, from: 2, to: 1, sport: 5555, dport: 443, family: 10, s6: mapped, d6: v6 }))
      .small(0, sockRecord({ pid: 0, from: 1, to: 4, sport: 1, dport: 2, family: 2, protocol: 132 })) // SCTP: not TCP
      .build({ flags: 0xc000_0000, lostStored: 7, commit: 2 * 76 });
    for (const [n, page] of [[0, cpu0], [1, cpu1]] as const) {
      mkdirSync(path.join(dir, `per_cpu/cpu${n}`), { recursive: true });
      writeFileSync(path.join(dir, `per_cpu/cpu${n}/trace_pipe_raw`), page);
    }
    const r = openRawReader(dir, dir);
    assert.ok(typeof r !== 'string', String(r));
    const got: TransitionEvent[] = [];
    let lost = 0;
    r.pump((e) => got.push(e), (n) => { lost += n; });
    r.close();
    assert.equal(lost, 7);
    assert.equal(r.skipped(), 1);
    assert.deepEqual(got.map((e) => [e.monotonic, e.cpu, e.from, e.to, e.family, e.saddr, e.sport, e.daddr, e.dport, e.comm]), [
      [1000, 0, 'ESTABLISHED', 'CLOSE-WAIT', 'ipv4', '10.0.0.1', 80, '10.0.0.2', 40000, '<idle>'],
      [1001, 1, 'SYN-SENT', 'ESTABLISHED', 'ipv6', '10.0.0.1', 5555, '2001:db8::2', 443, '<idle>'],
      [1003.00001, 0, 'CLOSE-WAIT', 'LAST-ACK', 'ipv4', '10.0.0.1', 80, '10.0.0.2', 40000, '<idle>'],
    ]);
    // A format file without a field it needs: the reader says which, and exact mode reads text.
    writeFileSync(path.join(dir, 'events/sock/inet_sock_set_state/format'), FORMAT.replace(/.*newstate.*\n/, ''));
    assert.equal(openRawReader(dir, dir), 'format lacks the field newstate');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
