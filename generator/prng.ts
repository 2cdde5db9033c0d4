/**
 * Seeded randomness for the generator: SplitMix32 (a Weyl sequence through a
 * murmur3-style finaliser). One uint32 of state plus an odd increment, so the
 * whole fleet's random state lives in two Uint32Arrays and draws allocate
 * nothing. Distinct increments give each vehicle its own, unrelated sequence.
 * Math.random is never used: a seed must reproduce a stream byte for byte.
 */

const GOLDEN = 0x9e3779b9;

/** Murmur3's 32-bit finaliser: a bijective, well-mixed hash of one uint32. */
export function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Combines two uint32 into one well-mixed uint32 (seeding per vehicle, per window, per node). */
export function mix32(a: number, b: number): number {
  return fmix32((a ^ fmix32((b + GOLDEN) >>> 0)) >>> 0);
}

/** A uniform float in [0, 1) from a uint32. */
export function toUnit(u: number): number {
  return u / 4294967296;
}

/** Random streams of many vehicles, stored flat; `i` selects the stream. */
export interface RandomStreams {
  readonly state: Uint32Array;
  readonly gamma: Uint32Array;
}

export function createRandomStreams(count: number): RandomStreams {
  return { state: new Uint32Array(count), gamma: new Uint32Array(count) };
}

/** Seeds stream `i` from one uint32; the increment is derived so no two seeds share a sequence. */
export function seedStream(streams: RandomStreams, i: number, seed: number): void {
  streams.state[i] = seed >>> 0;
  streams.gamma[i] = (mix32(seed, 0x632be5ab) | 1) >>> 0;
}

export function nextUint32(streams: RandomStreams, i: number): number {
  const s = (streams.state[i]! + streams.gamma[i]!) >>> 0;
  streams.state[i] = s;
  return fmix32(s);
}

/** Uniform in [0, 1). */
export function nextFloat(streams: RandomStreams, i: number): number {
  return nextUint32(streams, i) / 4294967296;
}

/** Uniform in [lo, hi). */
export function nextBetween(streams: RandomStreams, i: number, lo: number, hi: number): number {
  return lo + (hi - lo) * nextFloat(streams, i);
}

/** A single seeded stream for code outside the per-vehicle hot path (fault injection, network jitter). */
export interface Random {
  uint32(): number;
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform whole number in [0, n). */
  int(n: number): number;
}

export function createRandom(seed: number): Random {
  const streams = createRandomStreams(1);
  seedStream(streams, 0, seed);
  return {
    uint32: () => nextUint32(streams, 0),
    float: () => nextFloat(streams, 0),
    int: (n) => Math.floor(nextFloat(streams, 0) * n),
  };
}
