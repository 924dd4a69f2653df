// The one seeded random generator of every pure layer: the host's choices that Linux makes at
// random (initial sequence numbers, timestamp offsets, the ephemeral-port perturbation table, the
// SYN-cookie secret), the lab's random losses, the spoofed sources of a SYN flood, the tests'
// lossy links. Deterministic by construction: a seed in, the same run out on every machine. The
// pure layers never call Math.random (eslint.config.js).

/** splitmix32 (Vigna's splitmix64 folded to 32 bits): fast, full-period, good enough for a simulator. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = (seed >>> 0) ^ 0x9e3779b9;
  }
  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    this.s = (this.s + 0x9e3779b9) | 0;
    let z = this.s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }
  /** Uniform in [0, n): Linux's get_random_u32_below(). */
  below(n: number): number {
    return n <= 1 ? 0 : this.u32() % n;
  }
  /** Uniform in [0, 1): "does this 1 % loss take this segment?". */
  float(): number {
    return this.u32() / 4294967296;
  }
}

/** A keyed 32-bit hash of a string (FNV-1a then a murmur finaliser): stands in for siphash in secure_*(). */
export function hash32(key: number, text: string): number {
  let h = (0x811c9dc5 ^ key) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
