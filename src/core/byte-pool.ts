// Bytes the engine makes — a small send buffer, what recv() hands back — carved out of shared
// slabs instead of each getting an ArrayBuffer of its own. V8 makes an ArrayBuffer of more than 64 bytes outside its heap
// (a zeroed allocation plus the bookkeeping that frees it, counted towards the next garbage
// collection), one to several microseconds each on x86-64: more than the rest of a segment's
// handling; a view into an existing slab costs tens of
// nanoseconds. Node's Buffer pool (Buffer.allocUnsafe, 8 KiB slabs) does the same.
//
// Rules:
// - A piece is never handed out twice and slabs are never reused, so every piece starts zeroed
//   and no two pieces overlap: writing into one never shows in another.
// - Only small pieces come from a slab (PIECE_MAX); larger ones get their own buffer, so a slab
//   can be kept alive only by small pieces (a slab lives as long as any view into it: the waste is
//   bounded by SLAB bytes per long-lived piece, as for Node's pool).
// - Pieces are views: code that reads `.buffer` must use `.byteOffset` and `.byteLength` too.
//   Nothing in the engine does; the pcap writer makes its own buffers.

const SLAB = 16 * 1024;
const PIECE_MAX = 2048;

let slab = new ArrayBuffer(SLAB);
let used = 0;

/** `n` zeroed bytes of the engine's own. */
export function allocBytes(n: number): Uint8Array {
  if (n > PIECE_MAX) return new Uint8Array(n);
  if (used + n > SLAB) {
    slab = new ArrayBuffer(SLAB);
    used = 0;
  }
  const piece = new Uint8Array(slab, used, n);
  used += (n + 7) & ~7; // 8-byte aligned, so a later DataView over a piece reads aligned words
  return piece;
}

/** A private copy of `bytes` (what `bytes.slice()` gives, from a slab). */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  const out = allocBytes(bytes.length);
  out.set(bytes);
  return out;
}
