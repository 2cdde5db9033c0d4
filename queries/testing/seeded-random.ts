/**
 * Reproducible randomness for the query tests (mulberry32): the same seed
 * gives the same areas and periods on every run, so a failure replays.
 */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform whole number in [0, n). */
  int(n: number): number;
}

export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const float = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { float, int: (n) => Math.floor(float() * n) };
}
