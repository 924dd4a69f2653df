// Sequence numbers live on a circle of 2^32. They have their own type and are compared only
// through these helpers (RFC 9293 §3.4 "sequence number arithmetic"; Linux's before()/after()).
export type Seq = number & { readonly __seq: unique symbol };

export function seq(n: number): Seq {
  return (n >>> 0) as Seq;
}

export function seqAdd(a: Seq, n: number): Seq {
  return ((a + n) >>> 0) as Seq;
}

/** a - b as a signed 32-bit distance: positive when a is after b. */
export function seqDiff(a: Seq, b: Seq): number {
  return ((a - b) | 0);
}

export const seqLt = (a: Seq, b: Seq): boolean => seqDiff(a, b) < 0;
export const seqLe = (a: Seq, b: Seq): boolean => seqDiff(a, b) <= 0;
export const seqGt = (a: Seq, b: Seq): boolean => seqDiff(a, b) > 0;
export const seqGe = (a: Seq, b: Seq): boolean => seqDiff(a, b) >= 0;

/** lo <= x < hi on the circle (RFC 9293's "x is in [lo, hi)"). */
export function seqInRange(x: Seq, lo: Seq, hi: Seq): boolean {
  return seqGe(x, lo) && seqLt(x, hi);
}

export function seqMax(a: Seq, b: Seq): Seq {
  return seqGt(a, b) ? a : b;
}

export function seqMin(a: Seq, b: Seq): Seq {
  return seqLt(a, b) ? a : b;
}
