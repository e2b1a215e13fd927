/**
 * mulberry32: a small, fast, well-mixed 32-bit generator returning numbers in [0, 1). One seeded
 * generator for everything that must repeat from a seed (test inputs, the bench's delay model).
 */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};
