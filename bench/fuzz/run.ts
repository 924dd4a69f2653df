// `npm run fuzz [-- --inputs N --seed S --jobs J --out DIR --engine-steps M]`: mutated real samples through every paste
// parser, the format detector and snapshotFromText (harness.ts), then captures (pcap-family.ts) and
// a random walk through the TCP engine (engine-family.ts; `--engine-only` runs that alone). Prints a summary; saves each
// escape, slow input and broken invariant to DIR (default fuzz-findings/) as the input itself plus
// a .json that says what it was. The inputs are shared among J processes (one per core by default). `--replay FILE...` runs saved inputs again and prints their times.
// Exit 1 when anything was found.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { detectFormat } from '../../src/formats/detect.js';
import { runFuzz, tryInput, type Finding, type Summary } from './harness.js';
import { loadSamples } from './samples.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const replay = process.argv.indexOf('--replay');
if (replay >= 0) {
  let bad = 0;
  for (const file of process.argv.slice(replay + 1)) {
    const text = readFileSync(file, 'utf8');
    const spent = { ms: 0 };
    const found = tryInput(text, detectFormat(text)?.format ?? 'unknown', 0, { input: 0, sample: file, mutation: 'hard-case' }, spent);
    const ms = spent.ms;
    bad += found.length;
    process.stdout.write(`${file}: ${text.length} chars, ${ms.toFixed(1)} ms${found.map((f) => `\n  ${f.kind} in ${f.step}: ${f.detail}`).join('')}\n`);
  }
  process.exit(bad ? 1 : 0);
}

const inputs = Number(arg('--inputs', '1000000'));
const seed = Number(arg('--seed', '1'));
const out = arg('--out', 'fuzz-findings');
// The engine walk (engine-family.ts): 1.6 steps per input, about two thirds of them user calls and
// segments, so the default 10^6 inputs make more than 10^6 calls and segments.
const engineSteps = Number(arg('--engine-steps', String(Math.ceil(inputs * 1.6))));
async function engineFamily(): Promise<number> {
  return (await import('./engine-family.js')).reportEngineFuzz(engineSteps, seed, out, (name, text) => {
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, name), text);
  });
}
if (process.argv.includes('--engine-only')) process.exit((await engineFamily()) > 0 ? 1 : 0);
const samples = loadSamples();

function save(f: Finding): void {
  mkdirSync(out, { recursive: true });
  const base = path.join(out, `${f.kind}-${f.step}-${f.input}`);
  writeFileSync(base + '.txt', f.text);
  const { text: _text, ...meta } = f;
  writeFileSync(base + '.json', JSON.stringify({ ...meta, seed, chars: f.text.length, replay: `node dist/bench/fuzz/run.js --replay ${base}.txt` }, null, 2) + '\n');
  process.stderr.write(`${f.kind} in ${f.step} (input ${f.input}, ${f.sample}, ${f.mutation}): ${f.detail} -> ${base}.txt\n`);
}

function line(s: Summary): string {
  return `${s.inputs} inputs, ${(s.bytes / 1e6).toFixed(1)} MB, ${s.escapes} escapes, ${s.slow} slow, ${s.invariants} broken invariants`;
}

const jobs = Number(arg('--jobs', String(availableParallelism())));
const t0 = performance.now();
let s: Summary;
if (process.argv.includes('--worker') || jobs <= 1) {
  s = runFuzz({
    inputs, seed, samples, onFinding: save, progressEvery: 50_000, skipHardCases: process.argv.includes('--no-hard-cases'),
    onProgress: (_n, sum) => process.stderr.write(`  ${line(sum)}, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`),
  });
  if (process.argv.includes('--worker')) {
    process.stdout.write(JSON.stringify({ ...s, findings: [] }) + '\n');
    process.exit(0);
  }
} else {
  // One process per core, each with its own seed (seed * 1000 + k) and share of the inputs; the
  // first also tries the hard cases.
  const parts = await Promise.all(Array.from({ length: jobs }, (_, k) => new Promise<Summary>((resolve, reject) => {
    const share = Math.floor(inputs / jobs) + (k < inputs % jobs ? 1 : 0);
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--worker', '--inputs', String(share), '--seed', String(seed * 1000 + k), '--out', out, ...(k > 0 ? ['--no-hard-cases'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => { text += d.toString(); });
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(text) as Summary) : reject(new Error(`fuzz worker ${k} exited with ${code}`))));
  })));
  s = parts.reduce((a, p) => {
    for (const [k, n] of Object.entries(p.perFamily)) a.perFamily[k] = (a.perFamily[k] ?? 0) + n;
    for (const [k, n] of Object.entries(p.perMutation)) a.perMutation[k] = (a.perMutation[k] ?? 0) + n;
    return {
      ...a, inputs: a.inputs + p.inputs, bytes: a.bytes + p.bytes, escapes: a.escapes + p.escapes, slow: a.slow + p.slow,
      invariants: a.invariants + p.invariants, slowestMsPer100kB: Math.max(a.slowestMsPer100kB, p.slowestMsPer100kB),
    };
  }, { inputs: 0, bytes: 0, perFamily: {}, perMutation: {}, escapes: 0, slow: 0, invariants: 0, findings: [], ms: 0, slowestMsPer100kB: 0 } as Summary);
  s.ms = performance.now() - t0;
}
const families = Object.entries(s.perFamily).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
const kinds = Object.entries(s.perMutation).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
process.stdout.write([
  `fuzz: seed ${seed}, ${samples.length} samples, ${jobs} processes`,
  `  ${line(s)}`,
  `  per family (the sample's format; every input also goes through one other parser, the detector and snapshotFromText): ${families}`,
  `  per mutation: ${kinds}`,
  `  slowest: ${s.slowestMsPer100kB.toFixed(1)} ms per 100 kB (budget 100 ms per 100 kB, at least 100 ms per input)`,
  `  time: ${(s.ms / 1000).toFixed(1)} s`,
  ...(s.findings.length ? [`  findings saved in ${out}/`] : []),
].join('\n') + '\n');
const captureFound = (await import('./pcap-family.js')).reportCaptureFuzz(Math.max(1000, Math.ceil(inputs / 20)), seed, out); // the capture-reader family
const engineFound = await engineFamily();
process.exit(s.escapes + s.slow + s.invariants + captureFound + engineFound > 0 ? 1 : 0);
