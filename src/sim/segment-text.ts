// How a segment is written in a sequence diagram: `SYN seq=0`, `SYN+ACK seq=0 ack=1`, `ACK ack=1`,
// `PSH+ACK seq=1 ack=1 len=100`, `FIN+ACK seq=101 ack=1`, `RST seq=0`.
// Sequence numbers are relative to each direction's first sequence number, as Wireshark shows them
// by default, so a diagram reads the same whatever ISN the seed drew; `absolute` prints raw values.
// A new SYN with a different ISN on the same 4-tuple starts a new base (a new incarnation).
import { flagsToLetters, segmentLength, type Segment } from '../core/segment.js';
import { seqAdd, seqDiff, seqGt, seqLt, type Seq } from '../core/seq.js';

const FLAG_NAMES: Array<[string, string]> = [['S', 'SYN'], ['F', 'FIN'], ['R', 'RST'], ['P', 'PSH'], ['U', 'URG'], ['E', 'ECE'], ['W', 'CWR'], ['.', 'ACK']];

export function flagWords(seg: Segment): string {
  const letters = flagsToLetters(seg.flags);
  const words = FLAG_NAMES.filter(([l]) => letters.includes(l)).map(([, w]) => w);
  return words.length ? words.join('+') : 'no flags';
}

/** Keeps each direction's base sequence number, per 4-tuple. */
export class SeqBases {
  private base = new Map<string, Seq>();

  private key(seg: Segment, reverse: boolean): string {
    return reverse
      ? `${seg.dstAddr}:${seg.dstPort}>${seg.srcAddr}:${seg.srcPort}`
      : `${seg.srcAddr}:${seg.srcPort}>${seg.dstAddr}:${seg.dstPort}`;
  }

  /** Learn from a segment (call once per segment, in order) and return its text both ways. */
  describe(seg: Segment): { relative: string; absolute: string } {
    const k = this.key(seg, false);
    const known = this.base.get(k);
    // A SYN fixes the base; a SYN with a new ISN is a new incarnation. Anything else seen first (an
    // RST to a closed port) becomes the base for that direction, as in Wireshark.
    if (known === undefined || (seg.flags.syn && known !== seg.seq)) this.base.set(k, seg.seq);
    const own = this.base.get(k) as Seq;
    const peer = this.base.get(this.key(seg, true));
    // A pure ACK below what this side already sent is worth showing its seq: a keepalive probe
    // (seq = SND.NXT - 1, tcp_write_wakeup) or an old duplicate.
    const next = this.next.get(k);
    const behind = next !== undefined && seqLt(seg.seq, next);
    const end = seqAdd(seg.seq, segmentLength(seg));
    if (next === undefined || seqGt(end, next) || seg.flags.syn) this.next.set(k, end);
    const rel = (s: Seq, b: Seq | undefined): number => (b === undefined ? s : seqDiff(s, b) >>> 0);
    return {
      relative: text(seg, rel(seg.seq, own), rel(seg.ack, peer), behind),
      absolute: text(seg, seg.seq, seg.ack, behind),
    };
  }

  private next = new Map<string, Seq>();
}

function text(seg: Segment, s: number, a: number, showSeq: boolean): string {
  const parts = [flagWords(seg)];
  const len = seg.payload.length;
  if (showSeq || seg.flags.syn || seg.flags.fin || seg.flags.rst || len > 0 || !seg.flags.ack) parts.push(`seq=${s}`);
  if (seg.flags.ack) parts.push(`ack=${a}`);
  if (len > 0) parts.push(`len=${len}`);
  return parts.join(' ');
}
