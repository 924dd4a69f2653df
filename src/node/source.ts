// READ THIS FIRST — where a snapshot comes from: the one door the CLI and every server use.
//
//   { kind: 'live' }                     this host, live (netlink for our own namespace, else /proc)
//   { kind: 'netns', name }              another network namespace, live (`ip netns` name or pid:N)
//   { kind: 'proc-root', dir }           a directory laid out like /proc (a copied tree; tests)
//   { kind: 'input', path }              a saved output: one file (or a FIFO), or a folder of them
//   { kind: 'paste', files }             text already in memory (a web form, a test)
//   { kind: 'stream', name, chunks }     bytes read once, piece by piece (standard input)
//
// `openSource(spec)` checks the spec once (the namespace exists, the path is readable, the /proc
// tree looks like /proc) and gives a `Source`; its `sample()` reads one `HostSnapshot`, as often as
// it is called. `sample(spec)` is both in one. What could not be read line by line is in the
// snapshot's `problems`; a source that cannot be read at all throws `SourceError` (the CLI prints it
// with exit status 2). Live reads are asynchronous; the text parsers and the diagnosis behind a
// folder are loaded only when a saved input is read, and the snapshot reader only at a live
// source's first sample, so the live count path (live-counts.ts) stays light.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { HostSnapshot } from '../model/snapshot.js';
import type { TcpState } from '../model/states.js';
import type { Tally } from '../formats/stream.js';
import { SourceError } from './source-error.js';
import { checkNetnsName, type NetnsOptions } from './netns.js';
import type { LiveOptions, OwnerCache } from './live-snapshot.js';
import { readLiveStateCounts } from './live-counts.js';

export type SourceSpec =
  | { kind: 'live'; processes?: boolean }
  | { kind: 'netns'; name: string; processes?: boolean; /** Member pids (tests). */ members?: NetnsOptions['members']; /** Read it through netlink (LiveOptions.netnsNetlink). */ netlink?: boolean }
  | { kind: 'proc-root'; dir: string; processes?: boolean }
  | { kind: 'input'; path: string }
  | { kind: 'paste'; files: Array<{ name: string; text: string }>; /** When it was taken (ms since the epoch); default now. */ takenAt?: number }
  /** A byte stream read once, piece by piece (standard input): any size, memory bounded by what is kept. */
  | { kind: 'stream'; name: string; chunks: () => AsyncIterable<Uint8Array>; takenAt?: number };

export interface Source {
  readonly spec: SourceSpec;
  /** `live`, `netns:NAME`, the /proc root or the input's path, for messages. */
  readonly origin: string;
  /** True when each sample is a new reading of a running host; false for saved text. */
  readonly live: boolean;
  /** One snapshot; throws SourceError when the source cannot be read at all. */
  sample(): Promise<HostSnapshot>;
  /** Sockets per state without building a snapshot where the source allows it (`tcplens states`). */
  countStates(): Promise<Partial<Record<TcpState, number>>>;
  /**
   * Saved text only: the counts with the snapshot's sources and problems but without its socket
   * records, so a listing of any size is counted in memory bounded by the counts.
   */
  tally?(): Promise<Tally>;
}

/** Checks the spec and returns the source it names; throws SourceError for a source that cannot be. */
export async function openSource(spec: SourceSpec): Promise<Source> {
  switch (spec.kind) {
    case 'live':
    case 'netns':
    case 'proc-root':
      return liveSource(spec, await liveOptions(spec));
    case 'input':
      return inputSource(spec);
    case 'paste':
      return textSource(spec, spec.files.length === 1 ? spec.files[0].name : '-', async () => spec.files, () => spec.takenAt ?? Date.now());
    case 'stream': {
      // Standard input can be read once: the first reading is kept for later samples.
      let once: Promise<{ snap?: HostSnapshot; tally?: Tally }> | undefined;
      const read = (countOnly: boolean): Promise<{ snap?: HostSnapshot; tally?: Tally }> =>
        (once ??= streamRead(spec.name, spec.chunks(), countOnly, () => spec.takenAt ?? Date.now()));
      return streamSource(spec, spec.name, read);
    }
  }
}

/** One snapshot of the source a spec names. */
export async function sample(spec: SourceSpec): Promise<HostSnapshot> {
  return (await openSource(spec)).sample();
}

/**
 * `count` snapshots `gapMs` apart, merged into one with `history` (ages, growth, counters rising
 * now rather than since boot): what `doctor --samples N --interval S` reads. Live sources only.
 */
export async function sampleSeries(source: Source, count: number, gapMs: number): Promise<HostSnapshot> {
  if (count <= 1) return source.sample();
  const { mergeSamples } = await import('../diagnose/samples.js');
  const snaps: HostSnapshot[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, gapMs));
    snaps.push(await source.sample());
  }
  return mergeSamples(snaps);
}

async function liveOptions(spec: Extract<SourceSpec, { kind: 'live' | 'netns' | 'proc-root' }>): Promise<LiveOptions> {
  const opts: LiveOptions = {};
  if (spec.processes === false) opts.processes = false;
  if (spec.kind === 'netns') {
    checkNetnsName(spec.name);
    opts.netns = spec.name;
    if (spec.members) opts.netnsMembers = spec.members;
    if (spec.netlink === true) opts.netnsNetlink = true;
  }
  if (spec.kind === 'proc-root') {
    // A tree that is not laid out like /proc would read as an empty host instead of a wrong path.
    const root = spec.dir;
    const { statOrThrow } = await import('./input-files.js');
    const st = await statOrThrow(root, '--proc-root');
    if (!st.isDirectory()) throw new SourceError({ en: `--proc-root: ${root} is not a directory`, zh: `--proc-root：${root} 不是目录` });
    if (!existsSync(path.join(root, 'net/tcp')) && !existsSync(path.join(root, 'net/tcp6'))) {
      throw new SourceError({
        en: `--proc-root: ${root} is not laid out like /proc (no net/tcp or net/tcp6)`,
        zh: `--proc-root：${root} 的结构不像 /proc（没有 net/tcp 或 net/tcp6）`,
      });
    }
    opts.procRoot = root;
  }
  return opts;
}

function liveSource(spec: SourceSpec, opts: LiveOptions): Source {
  const origin = opts.netns !== undefined ? `netns:${opts.netns}` : opts.procRoot ?? 'live';
  // Owners carried from one sample to the next (a full /proc/PID/fd walk each minute, in between
  // only new sockets looked up): what makes a watch refresh or a scrape cheap on a busy host.
  // The reader and its cache are loaded at the first sample: a count (`tcplens states`) needs neither.
  let ownerCache: OwnerCache | undefined;
  return {
    spec, origin, live: true,
    sample: async () => {
      const { OwnerCache: Cache, readLiveSnapshot } = await import('./live-snapshot.js');
      ownerCache ??= new Cache();
      return readLiveSnapshot({ ...opts, ownerCache });
    },
    countStates: () => readLiveStateCounts(opts),
  };
}

async function inputSource(spec: Extract<SourceSpec, { kind: 'input' }>): Promise<Source> {
  const src = spec.path;
  if (src === '') throw new SourceError({ en: '--input needs a file, a folder or - for standard input', zh: '--input 需要一个文件、目录，或 - 表示标准输入' });
  const files = await import('./input-files.js');
  const st = await files.statOrThrow(src);
  if (st.isDirectory()) {
    let mtime = 0;
    let skipped: ReturnType<typeof files.skippedSummary> = [];
    return textSource(spec, src, async () => {
      const read = await files.folderFiles(src);
      const list = read.files;
      skipped = files.skippedSummary(src, read);
      if (list.length === 0) {
        const why = skipped.length ? ` (${skipped.map((p) => p.message).join('; ')})` : '';
        const whyZh = skipped.length ? `（${skipped.map((p) => p.zh).join('；')}）` : '';
        throw new SourceError({ en: `--input: folder ${src} has no text files${why}`, zh: `--input：目录 ${src} 中没有文本文件${whyZh}` });
      }
      // A capture's manifest.json goes to the parsers like any file: it says when and where (merge.ts).
      mtime = list.reduce((m, f) => Math.max(m, f.mtimeMs), 0);
      return list;
    }, () => mtime, () => skipped);
  }
  if (st.isFile() && await startsWithGzip(src)) return archiveSource(spec, src, st.mtimeMs);
  const { inputChunks } = await import('./input-stream.js');
  const chunks = inputChunks(src, st); // refuses devices now, before any read
  let first = true;
  return streamSource(spec, src, (countOnly) => {
    // A FIFO can be read once; a file is read again for each sample (it may have grown).
    const c = first || !st.isFile() ? chunks : inputChunks(src, st);
    first = false;
    return streamRead(src, c, countOnly, () => st.mtimeMs);
  });
}

async function startsWithGzip(p: string): Promise<boolean> {
  const { open } = await import('node:fs/promises');
  const fh = await open(p, 'r').catch(() => undefined);
  if (!fh) return false;
  try {
    const { bytesRead, buffer } = await fh.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally { await fh.close(); }
}

/** A .tar.gz of a capture folder (or one gzipped output), read as the folder it was made from. */
function archiveSource(spec: SourceSpec, src: string, mtimeMs: number): Source {
  let skipped: HostSnapshot['problems'] = [];
  return textSource(spec, src, async () => {
    const { readGzipInput } = await import('./tar-gz.js');
    const files = await import('./input-files.js');
    const { notTextReason } = await import('../formats/binary.js');
    const read: Awaited<ReturnType<typeof files.folderFiles>> = { files: [], notText: [], linksOut: [] };
    for (const f of await readGzipInput(src)) {
      const what = notTextReason(f.bytes);
      if (what) { read.notText.push({ name: f.name, what }); continue; }
      const text = files.decodeText(f.bytes);
      if (!files.isTcplensOutput(text)) read.files.push({ name: f.name, text, mtimeMs });
    }
    skipped = files.skippedSummary(src, read);
    if (read.files.length === 0) throw new SourceError({ en: `--input: ${src} holds no text files`, zh: `--input：${src} 中没有文本文件` });
    return read.files;
  }, () => mtimeMs, () => skipped);
}

/** Reads a stream of bytes through the formats' PasteReader: a snapshot, or (countOnly) a tally. */
async function streamRead(name: string, chunks: AsyncIterable<Uint8Array>, countOnly: boolean, takenAt: () => number): Promise<{ snap?: HostSnapshot; tally?: Tally }> {
  const { PasteReader, PasteTooLargeError, UnknownFormatError } = await import('../formats/index.js');
  const { pushStream } = await import('./input-stream.js');
  const reader = new PasteReader(name, countOnly);
  try {
    await pushStream(name, chunks, reader);
    return countOnly ? { tally: reader.finishCounts(takenAt()) } : { snap: reader.finish(takenAt()) };
  } catch (err) {
    if (err instanceof UnknownFormatError) {
      throw new SourceError({ en: err.messages.map((m) => m.en).join('\n'), zh: err.messages.map((m) => m.zh).join('\n') });
    }
    if (err instanceof PasteTooLargeError) throw new SourceError(err.text);
    throw err;
  }
}

function streamSource(spec: SourceSpec, origin: string, read: (countOnly: boolean) => Promise<{ snap?: HostSnapshot; tally?: Tally }>): Source {
  return {
    spec, origin, live: false,
    sample: async () => {
      const r = await read(false);
      if (r.snap) return r.snap;
      // Read once already, for counts only: the records were not kept.
      throw new SourceError({ en: `${origin}: already read`, zh: `${origin}：已经读取过` });
    },
    countStates: async () => {
      const r = await read(true);
      return r.tally?.counts ?? countOf(r.snap!);
    },
    tally: async () => {
      const r = await read(true);
      return r.tally ?? { counts: countOf(r.snap!), snapshot: r.snap! };
    },
  };
}

function countOf(snap: HostSnapshot): Partial<Record<TcpState, number>> {
  const out: Partial<Record<TcpState, number>> = {};
  for (const s of snap.sockets) out[s.state] = (out[s.state] ?? 0) + 1;
  return out;
}

/** Saved text: recognised by content and merged (src/formats); `takenAt` is asked after the read. */
function textSource(
  spec: SourceSpec, origin: string, read: () => Promise<Array<{ name: string; text: string }>>, takenAt: () => number,
  notes: () => HostSnapshot['problems'] = () => [],
): Source {
  const source: Source = {
    spec, origin, live: false,
    sample: async () => {
      const files = await read();
      const { snapshotFromTexts, UnknownFormatError } = await import('../formats/index.js');
      const services = await (await import('./host-services.js')).hostServices();
      try {
        const snap = snapshotFromTexts(files, takenAt(), { services });
        snap.problems.unshift(...notes());
        return snap;
      } catch (err) {
        if (err instanceof UnknownFormatError) {
          throw new SourceError({ en: err.messages.map((m) => m.en).join('\n'), zh: err.messages.map((m) => m.zh).join('\n') });
        }
        throw err;
      }
    },
    countStates: async () => {
      const { countStates } = await import('../formats/index.js');
      return countStates(await source.sample());
    },
  };
  return source;
}
