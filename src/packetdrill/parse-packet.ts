// Packet lines (SYNTAX.md §4): `< S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 7>`.
// The direction is already consumed. Fields come in packetdrill's order (parser.y `tcp_packet_spec`).
import type { Cursor } from './cursor.js';
import type { OptionSpec, PacketEvent } from './ast.js';

const FLAG_LETTERS = /[SFRPUEWA.-]+/;
const ECN_CODEPOINTS = ['noecn', 'ect0', 'ect1', 'ce'] as const;

const U8 = 0xff;
const U16 = 0xffff;
const U32 = 0xffffffff;

/**
 * A header field read as a number no packet can carry: packetdrill's parser refuses it
 * (parser.y: "TCP sequence number out of range", "TCP window value out of range", ...), and the
 * script is refused here, where the value is written — never handed to the engine.
 */
function field(c: Cursor, what: string, max: number, read: () => number): number {
  const at = c.pos;
  const n = read();
  if (n > max) c.invalid(`${what} ${n} is out of range: the field holds at most ${max}`, at);
  return n;
}

export function parsePacket(c: Cursor, direction: PacketEvent['direction']): PacketEvent {
  c.skip(false);
  // packetdrill's ip_ecn: `[noecn]`, `[ect0]`, `[ect1]`, `[ce]` (the IP header's ECN bits).
  let ecn: PacketEvent['ecn'];
  if (c.eat('[')) {
    const at = c.pos;
    const word = c.ident();
    const known = ECN_CODEPOINTS.find((k) => k === word);
    if (known === undefined) c.fail('an ECN codepoint (noecn, ect0, ect1, ce)', at);
    ecn = known;
    c.expect(']', "']' after the ECN codepoint");
    c.skip(false);
  }
  const flagsAt = c.pos;
  const flags = c.match(FLAG_LETTERS);
  if (flags === undefined) c.fail('TCP flags (letters from S F R P U E W A, "." for ACK, "-" for none)');
  if (flags.includes('-') && flags !== '-') c.fail('"-" alone (no flags) or flag letters without "-"', flagsAt);
  c.skip(false);
  const seqStart = field(c, 'TCP sequence number', U32, () => c.uint('a sequence range start:end(length)'));
  c.expect(':', "':' in start:end(length)");
  const endAt = c.pos;
  const seqEnd = field(c, 'TCP sequence number', U32, () => c.uint('the end of start:end(length)'));
  c.expect('(', "'(' before the payload length");
  // One IP packet (its 16-bit total length) carries at most 65535 bytes; packetdrill: "TCP payload size out of range".
  const length = field(c, 'TCP payload size', U16, () => c.uint('a payload length'));
  c.expect(')', "')' after the payload length");
  if (seqEnd - seqStart !== length) {
    c.fail(`end = start + length (${seqStart}+${length}=${seqStart + length}, not ${seqEnd})`, endAt);
  }
  const pkt: PacketEvent = { kind: 'packet', direction, flags, seqStart, seqEnd, length };
  if (ecn !== undefined) pkt.ecn = ecn;
  for (;;) {
    c.skip(false);
    const at = c.pos;
    if (c.peek() === '<') break;
    const word = c.match(/[A-Za-z]+/);
    if (word === undefined) break;
    if (word !== 'ack' && word !== 'win' && word !== 'urg') {
      c.pos = at;
      c.fail("'ack', 'win', 'urg' or '<options>'");
    }
    if (pkt[word] !== undefined) c.fail(`'${word}' only once`, at);
    c.skip(false);
    pkt[word] = field(c, word === 'ack' ? 'TCP ack number' : word === 'win' ? 'TCP window value' : 'TCP urgent pointer', word === 'ack' ? U32 : U16, () => c.uint(`a number after '${word}'`));
  }
  if (c.eat('<')) {
    c.skip(false);
    if (c.eat('...')) {
      c.skip(false);
      c.expect('>', "'>' after '<...'");
      pkt.options = 'any';
    } else {
      pkt.options = parseOptions(c);
    }
  }
  if (direction === 'inbound' && pkt.win === undefined) c.fail("'win N' (required on inbound packets)");
  return pkt;
}

function parseOptions(c: Cursor): OptionSpec[] {
  const out: OptionSpec[] = [];
  c.skip(false);
  if (c.eat('>')) return out;
  for (;;) {
    c.skip(false);
    out.push(parseOption(c));
    c.skip(false);
    if (c.eat('>')) return out;
    c.expect(',', "',' or '>' in the option list");
  }
}

function parseOption(c: Cursor): OptionSpec {
  const at = c.pos;
  const name = c.ident();
  const num = (what: string, max: number): number => { c.skip(false); return field(c, `TCP option ${what}`, max, () => c.uint(`a number after '${what}'`)); };
  switch (name) {
    case 'nop': return { kind: 'nop' };
    case 'eol': return { kind: 'eol' };
    case 'sackOK': return { kind: 'sackOK' };
    case 'mss': return { kind: 'mss', value: num('mss', U16) };
    case 'wscale': return { kind: 'wscale', shift: num('wscale', U8) };
    case 'TS': {
      c.skip(false);
      c.expect('val', "'val' after 'TS'");
      const val = num('TS val', U32);
      c.skip(false);
      c.expect('ecr', "'ecr' after 'TS val N'");
      return { kind: 'timestamp', val, ecr: num('TS ecr', U32) };
    }
    case 'sack': {
      const blocks: Array<[number, number]> = [];
      for (;;) {
        c.skip(false);
        if (!/[0-9]/.test(c.peek())) break;
        const a = field(c, 'SACK block edge', U32, () => c.uint());
        c.expect(':', "':' in a SACK block a:b");
        blocks.push([a, field(c, 'SACK block edge', U32, () => c.uint('the end of a SACK block'))]);
      }
      return { kind: 'sack', blocks };
    }
    case 'FO':
    case 'FOEXP': {
      c.skip(false);
      const cookie = c.match(/[A-Za-z0-9_]+/) ?? '';
      return name === 'FOEXP' ? { kind: 'fastopen', cookie, exp: true } : { kind: 'fastopen', cookie };
    }
    case 'md5': {
      c.skip(false);
      const digestAt = c.pos;
      const digest = c.match(/[0-9a-fA-F]+/) ?? '';
      if (digest.length !== 32) c.fail('an MD5 digest of 16 bytes (32 hex digits)', digestAt);
      return { kind: 'md5', digest };
    }
    default:
      c.pos = at;
      return c.fail('a TCP option (nop, eol, mss N, wscale N, sackOK, TS val N ecr N, sack a:b, FO cookie, FOEXP cookie, md5 digest)');
  }
}
