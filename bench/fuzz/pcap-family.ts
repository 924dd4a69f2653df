// The capture-reader family of `npm run fuzz`: real captures (every lab exchange written as
// pcapng, the same as classic pcap over Ethernet, SLL2 and BSD loopback, the loopback capture of
// real kernel endings and the public samples in test/fixtures/pcap/) with bytes flipped, cut short at every position,
// length fields overwritten and blocks repeated, each read whole and in random chunk sizes.
// Per input: nothing but CaptureFileError escapes; whole and chunked readings agree; every connection
// has an ending and known states; every state change is a row of the engine's table; the reading
// takes at most 100 ms per 100 kB (at least 100 ms) for each of its three readings.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Rng } from '../../src/core/random.js';
import { isListedTransition, LISTENER_TRANSITIONS } from '../../src/core/transitions.js';
import { TCP_STATES } from '../../src/model/states.js';
import { CaptureFileError } from '../../src/pcap/capture-reader.js';
import { decodeTcp, isSkip } from '../../src/pcap/decode-packet.js';
import { CaptureReader } from '../../src/pcap/capture-reader.js';
import { FRAME, pcapFile, pcapngFile } from '../../src/pcap/testing/capture-bytes.js';
import { CaptureStream } from '../../src/sim/passive/capture-stream.js';
import type { ConnectionReport } from '../../src/sim/passive/capture-analysis.js';
import { exchangePcapng } from '../../src/sim/pcap-export.js';
import type { ExchangeResult, WirePacket } from '../../src/sim/scenario.js';
import { EXCHANGE_SCENARIOS } from '../../src/sim/scenarios.js';
import { ROOT } from '../../test/helpers/paths.js';

export interface CaptureSample { name: string; bytes: Uint8Array }
export type CaptureMutation = 'flip' | 'truncate' | 'length' | 'repeat' | 'none';
export interface CaptureFinding { kind: 'escape' | 'slow' | 'invariant'; input: number; sample: string; mutation: CaptureMutation; detail: string; bytes: Uint8Array }
export interface CaptureFuzzSummary { inputs: number; bytes: number; escapes: number; slow: number; invariants: number; located: number; findings: CaptureFinding[]; ms: number }

/** The starting captures. */
export function captureSamples(): CaptureSample[] {
  const out: CaptureSample[] = [];
  for (const s of EXCHANGE_SCENARIOS) {
    const wire: WirePacket[] = [];
    const r = s.run({ settings: {}, params: {}, seed: 1, profile: 'linux', onWire: (p) => wire.push(p) }) as ExchangeResult;
    out.push({ name: `${s.name}.pcapng`, bytes: exchangePcapng(wire, r.hosts) });
    if (['lost-last-ack', 'simultaneous-close', 'keepalive-dead-peer', 'syn-to-closed-port'].includes(s.name)) {
      // The same packets as classic pcap over other link layers, big-endian and in nanoseconds too.
      const frames = new CaptureReader().push(out[out.length - 1].bytes).map((f) => ({ atMs: f.atMs, data: f.data.slice() }));
      out.push({ name: `${s.name}.eth.pcap`, bytes: pcapFile(frames.map((f) => ({ ...f, data: FRAME.vlan.wrap(f.data) })), { linkType: 1 }) });
      out.push({ name: `${s.name}.null-be-ns.pcap`, bytes: pcapFile(frames.map((f) => ({ ...f, data: FRAME.null.wrap(f.data) })), { linkType: 0, little: false, nano: true }) });
      out.push({ name: `${s.name}.sll2.pcapng`, bytes: pcapngFile(frames.map((f) => ({ ...f, data: FRAME.sll2.wrap(f.data) })), { little: false, interfaces: [{ linkType: 276, tsresol: 9 }] }) });
    }
  }
  for (const f of ['loopback-endings.pcap', 'public/200722_tcp_anon.pcapng', 'public/simple_http.pcap', 'public/simple_http_sll2.pcap']) {
    out.push({ name: f, bytes: new Uint8Array(readFileSync(path.join(ROOT, 'test/fixtures/pcap', f))) });
  }
  return out;
}

function mutate(kind: CaptureMutation, b: Uint8Array, rng: Rng, cursor: number): Uint8Array {
  const out = b.slice();
  switch (kind) {
    case 'none': return out;
    case 'flip': {
      const n = 1 + rng.below(8);
      for (let i = 0; i < n; i++) {
        const at = rng.below(out.length);
        out[at] = rng.below(2) ? out[at] ^ (1 << rng.below(8)) : rng.below(256);
      }
      return out;
    }
    case 'truncate': return out.subarray(0, cursor % (out.length + 1));
    case 'length': {
      // A 32-bit field somewhere (block and record lengths are 32-bit and 4-aligned) set to an extreme.
      const at = rng.below(Math.max(1, out.length >> 2)) << 2;
      const v = [0, 1, 12, 0xffff, 0x7fffffff, 0xffffffff, 262_145][rng.below(7)];
      if (at + 4 <= out.length) new DataView(out.buffer).setUint32(at, v, rng.below(2) === 0);
      return out;
    }
    case 'repeat': {
      const from = rng.below(out.length);
      const len = 1 + rng.below(Math.min(400, out.length - from));
      const at = rng.below(out.length + 1);
      const piece = out.slice(from, from + len);
      const r = new Uint8Array(out.length + len);
      r.set(out.subarray(0, at));
      r.set(piece, at);
      r.set(out.subarray(at), at + len);
      return r;
    }
  }
}

interface Reading { reports: string[]; error?: string; problems: number }

function read(bytes: Uint8Array, chunks: number[]): Reading {
  const reports: ConnectionReport[] = [];
  const s = new CaptureStream({ keepRows: () => true, onConnection: (r) => reports.push(r) });
  let error: string | undefined;
  try {
    let at = 0;
    for (let i = 0; at < bytes.length; i++) {
      const n = chunks.length ? chunks[i % chunks.length] : bytes.length;
      s.push(bytes.slice(at, at + n));
      at += n;
    }
    s.end();
  } catch (e) {
    if (!(e instanceof CaptureFileError)) throw e;
    error = e.message;
    // A damaged file still reports what was read before it, as the CLI does.
    s.endDamaged();
  }
  const problems = s.totals().problemCount;
  for (const r of reports) {
    if (r.findings.length === 0) throw new Invariant(`connection ${r.index} has no ending`);
    for (const st of [r.endStates.client, r.endStates.server]) {
      if (st !== '-' && st !== '?' && !(TCP_STATES as readonly string[]).includes(st)) throw new Invariant(`connection ${r.index} ends in '${st}'`);
    }
    for (const e of r.timeline) {
      const listed = isListedTransition(e.from, e.to, e.cause) || LISTENER_TRANSITIONS.some((l) => l.from === e.from && l.to === e.to) || (e.from === 'LISTEN' && e.cause === 'syn-received');
      if (!listed) throw new Invariant(`connection ${r.index}: ${e.from} -> ${e.to} (${e.cause}) is not in the engine's table`);
    }
    if ((r.observer?.rows?.length ?? -1) !== r.packets) throw new Invariant(`connection ${r.index}: ${r.packets} packets but ${r.observer?.rows?.length} rows`);
  }
  return { reports: reports.sort((a, b) => a.index - b.index).map((r) => `${r.index} ${r.packets} ${r.endStates.client} ${r.endStates.server} ${r.findings.map((f) => f.id).join(',')}`), error, problems };
}

class Invariant extends Error {}

const KINDS: CaptureMutation[] = ['flip', 'flip', 'flip', 'truncate', 'truncate', 'length', 'repeat', 'none'];

export function runCaptureFuzz(o: { inputs: number; seed: number; onFinding?: (f: CaptureFinding) => void }): CaptureFuzzSummary {
  const rng = new Rng(o.seed);
  const samples = captureSamples();
  const s: CaptureFuzzSummary = { inputs: 0, bytes: 0, escapes: 0, slow: 0, invariants: 0, located: 0, findings: [], ms: 0 };
  const t0 = performance.now();
  for (let i = 0; i < o.inputs; i++) {
    const sample = samples[rng.below(samples.length)];
    const kind = KINDS[rng.below(KINDS.length)];
    const bytes = mutate(kind, sample.bytes, rng, i * 7);
    const chunks = Array.from({ length: 1 + rng.below(4) }, () => 1 + rng.below(rng.below(2) ? 16 : 4096));
    const found = (k: CaptureFinding['kind'], detail: string): void => {
      if (k === 'escape') s.escapes++; else if (k === 'slow') s.slow++; else s.invariants++;
      if (s.findings.length < 20) {
        const f = { kind: k, input: i, sample: sample.name, mutation: kind, detail, bytes };
        s.findings.push(f);
        o.onFinding?.(f);
      }
    };
    const t = performance.now();
    try {
      const whole = read(bytes, []);
      const pieces = read(bytes, chunks);
      if (whole.error !== pieces.error) found('invariant', `whole: ${whole.error}; in chunks of ${chunks.join(',')}: ${pieces.error}`);
      else if (whole.reports.join('\n') !== pieces.reports.join('\n')) found('invariant', `whole and chunked readings differ (chunks ${chunks.join(',')})`);
      if (whole.error) {
        if (/^(packet \d+ at )?byte \d+: /.test(whole.error)) s.located++;
        else found('invariant', `an error without its place: ${whole.error}`);
      }
      // Every frame decodes to a segment or a reason, never an exception.
      try {
        for (const f of new CaptureReader().push(bytes)) { const p = decodeTcp(f.linkType, f.data); if (isSkip(p) && p.skip !== 'not-tcp' && !p.why) found('invariant', 'a skip without a reason'); }
      } catch (e) { if (!(e instanceof CaptureFileError)) throw e; }
    } catch (e) {
      found(e instanceof Invariant ? 'invariant' : 'escape', e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    }
    const ms = performance.now() - t;
    if (ms > Math.max(100, (bytes.length / 100_000) * 100) * 3) found('slow', `${ms.toFixed(0)} ms for ${bytes.length} bytes (read three times)`);
    s.inputs++;
    s.bytes += bytes.length;
  }
  s.ms = performance.now() - t0;
  return s;
}

/** `npm run fuzz`'s line for this family; saves findings beside the others. Returns how many there were. */
export function reportCaptureFuzz(inputs: number, seed: number, out: string): number {
  const s = runCaptureFuzz({
    inputs, seed, onFinding: (f) => {
      mkdirSync(out, { recursive: true });
      const base = path.join(out, `pcap-${f.kind}-${f.input}`);
      writeFileSync(base + '.pcap', f.bytes);
      writeFileSync(base + '.json', JSON.stringify({ ...f, bytes: undefined, replay: `node dist/src/cli/entry.js pcap ${base}.pcap --summary` }, null, 2) + '\n');
      process.stderr.write(`pcap ${f.kind} (input ${f.input}, ${f.sample}, ${f.mutation}): ${f.detail} -> ${base}.pcap\n`);
    },
  });
  process.stdout.write(`  pcap reader family: ${s.inputs} inputs, ${(s.bytes / 1e6).toFixed(1)} MB, ${s.escapes} escapes, ${s.slow} slow, ${s.invariants} broken invariants, ${s.located} located errors, ${(s.ms / 1000).toFixed(1)} s\n`);
  return s.escapes + s.slow + s.invariants;
}
