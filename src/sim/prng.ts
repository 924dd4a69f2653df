// A small seeded PRNG for the lab's random losses (mulberry32: 32-bit state, good enough for
// choosing which segment a 1 % loss takes, and identical on every machine for a given seed).
// The pure layers never call Math.random(); a run is a function of its seed.

export type Rng = () => number;

/** Uniform numbers in [0, 1), reproducible from `seed`. */
export function seededRng(seed: number): Rng {
  let a = (seed >>> 0) ^ 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
