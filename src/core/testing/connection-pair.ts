// Two bare connections joined by a lossy, reordering, duplicating link on virtual time: quinn's
// `Pair` for the engine's own tests, below the host layer (the lab's Network drives whole hosts).
// It shares the drivers' one event queue (core/event-queue.ts: time, then insertion order), the
// one time unit (ms) and the one seeded generator (core/random.ts). Loss is data; `run` is
// bounded so a livelock fails the test instead of hanging it.
import { Connection } from '../connection.js';
import { EventQueue } from '../event-queue.js';
import { Rng } from '../random.js';
import type { Millis } from '../time.js';
import type { Segment } from '../segment.js';
import { seq } from '../seq.js';
import type { TcpConfig } from '../config.js';
import { defaultConfig } from '../config.js';

export interface LinkKnobs { loss: number; dup: number; reorderMs: Millis; delayMs: Millis }

/** Uniform numbers in [0, 1) from the shared generator, for tests that draw their own choices too. */
export function uniform(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.float();
}

interface InFlight { seg: Segment; to: 'a' | 'b' }

export class ConnectionPair {
  now: Millis = 0;
  a: Connection;
  b: Connection | undefined;
  readonly config: TcpConfig = defaultConfig();
  private flight = new EventQueue<InFlight>();
  readonly received: { a: number[]; b: number[] } = { a: [], b: [] };
  segments = 0;

  constructor(readonly rnd: () => number, readonly link: LinkKnobs) {
    this.a = Connection.connect({ config: this.config, local: { addr: '10.0.0.1', port: 40000 }, remote: { addr: '10.0.0.2', port: 80 }, isn: seq(0xfffff000), tsOffset: 5, options: {} }, 0);
    this.pump();
  }

  /** A rule like "drop the next pure ACK from A": return true to lose this segment. */
  drop: ((seg: Segment, to: 'a' | 'b') => boolean) | undefined;

  private send(seg: Segment, to: 'a' | 'b'): void {
    if (this.drop?.(seg, to)) return;
    if (this.rnd() < this.link.loss) return;
    const copies = this.rnd() < this.link.dup ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const at = this.now + this.link.delayMs + this.rnd() * this.link.reorderMs;
      this.flight.push(at, { seg, to });
    }
  }

  pump(): void {
    for (let s = this.a.pollTransmit(); s; s = this.a.pollTransmit()) this.send(s, 'b');
    if (this.b) for (let s = this.b.pollTransmit(); s; s = this.b.pollTransmit()) this.send(s, 'a');
    while (this.a.pollEvent());
    if (this.b) while (this.b.pollEvent());
  }

  drainReads(): void {
    for (const [c, into] of [[this.a, this.received.a], [this.b, this.received.b]] as const) {
      if (!c) continue;
      for (;;) {
        const r = c.recv(65536, this.now);
        if (!(r instanceof Uint8Array) || r.length === 0) break;
        for (const x of r) into.push(x);
      }
    }
  }

  /** Advance to `until`, delivering segments and firing timers in time order. */
  run(until: Millis, maxSteps = 200000): void {
    for (let step = 0; step < maxSteps; step++) {
      const nextSeg = this.flight.peekTime() ?? Infinity;
      const da = this.a.nextDeadline() ?? Infinity;
      const db = this.b?.nextDeadline() ?? Infinity;
      const next = Math.min(nextSeg, da, db);
      if (next > until) { this.now = until; return; }
      this.now = Math.max(this.now, next);
      if (nextSeg === next) {
        const f = (this.flight.pop() as { item: InFlight }).item;
        this.segments++;
        if (f.to === 'b') {
          if (!this.b && f.seg.flags.syn && !f.seg.flags.ack) {
            this.b = Connection.accept({ config: this.config, local: { addr: '10.0.0.2', port: 80 }, remote: { addr: '10.0.0.1', port: 40000 }, isn: seq(0x7ffffff0), tsOffset: 9, options: {} }, f.seg, this.now);
          } else if (this.b) this.b.handleSegment(f.seg, this.now);
        } else this.a.handleSegment(f.seg, this.now);
      } else if (da === next) this.a.handleTimeout(this.now);
      else this.b?.handleTimeout(this.now);
      this.pump();
      this.drainReads();
    }
    throw new Error(`no quiescence by ${until} ms after ${maxSteps} steps (livelock?)`);
  }
}
