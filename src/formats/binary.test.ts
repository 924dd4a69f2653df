import { test } from 'node:test';
import assert from 'node:assert/strict';
import { notTextReason, notTextReasonOfString } from './binary.js';
import { snapshotFromText, UnknownFormatError } from './merge.js';
import { fixture } from '../../test/fixtures/formats/read-fixture.js';

const bytes = (...xs: number[]): Uint8Array => Uint8Array.from(xs);
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

test('archives, programs and images are named by their magic numbers', () => {
  assert.match(notTextReason(bytes(0x1f, 0x8b, 8, 0, 0, 0))!.en, /^gzip data: tcplens reads \.tar\.gz captures directly/);
  assert.match(notTextReason(bytes(0x7f, 0x45, 0x4c, 0x46, 2, 1, 1))!.en, /^an ELF binary/);
  assert.match(notTextReason(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))!.en, /^a PNG image/);
  assert.match(notTextReason(bytes(0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0))!.en, /pcap/);
  const tar = new Uint8Array(1024); tar.set(ascii('ustar'), 257);
  assert.match(notTextReason(tar)!.en, /^a tar archive/);
});

test('tool output in UTF-8, UTF-16 and legacy code pages is text', () => {
  assert.equal(notTextReason(ascii(fixture('linux/ss-tanpoei.txt'))), undefined);
  const utf16 = Buffer.from('\uFEFF' + fixture('windows/netstat-ano-en.txt'), 'utf16le');
  assert.equal(notTextReason(utf16), undefined);
  assert.equal(notTextReason(Buffer.from(fixture('windows/netstat-ano-en.txt'), 'utf16le')), undefined, 'UTF-16 without a BOM');
  // cp850/GBK bytes are not UTF-8, but they carry no control bytes.
  assert.equal(notTextReason(bytes(...ascii('  TCP    0.0.0.0:135  0.0.0.0:0  ABH'), 0x99, 0x52, 0x45, 0x4e, 0x0d, 0x0a)), undefined);
});

test('random bytes and NUL-heavy data are binary, from the first 64 kB only', () => {
  // A fixed pseudo-random sequence (xorshift): the pure layers draw no random numbers.
  let x = 2463534242;
  const rnd = new Uint8Array(1 << 20).map(() => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return x & 0xff; });
  assert.match(notTextReason(rnd)!.en, /^binary data \(\d+ control bytes in the first 64 kB\)/);
  assert.match(notTextReason(new Uint8Array(4096))!.en, /100% NUL bytes/);
  assert.match(notTextReasonOfString(new TextDecoder().decode(rnd))!.en, /^binary data/);
  assert.equal(notTextReasonOfString(fixture('linux/netstat-antp.txt')), undefined);
});

test('a paste of random bytes is refused at once with what it is, not sniffed as every format', () => {
  let x = 88172645;
  const text = Array.from({ length: 2_000_000 }, () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return String.fromCharCode(x & 0xff); }).join('');
  assert.throws(() => snapshotFromText('rnd', text), (e: unknown) => e instanceof UnknownFormatError && /^rnd: binary data/.test(e.message));
});
