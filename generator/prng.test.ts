import { describe, expect, it } from 'vitest';
import { createRandom, createRandomStreams, nextFloat, seedStream } from './prng.ts';

describe('the seeded random streams', () => {
  it('repeat for a seed and differ between seeds', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, ((r) => () => r.uint32())(createRandom(seed)));
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('are uniform enough for simulation: every tenth of [0, 1) gets its share', () => {
    const random = createRandom(123);
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) bins[Math.floor(random.float() * 10)]!++;
    for (const count of bins) expect(Math.abs(count - 10_000)).toBeLessThan(500);
    expect(random.int(1)).toBe(0);
  });

  it('give neighbouring vehicle seeds unrelated sequences', () => {
    const streams = createRandomStreams(2);
    seedStream(streams, 0, 1000);
    seedStream(streams, 1, 1001);
    const a = Array.from({ length: 1000 }, () => nextFloat(streams, 0));
    const b = Array.from({ length: 1000 }, () => nextFloat(streams, 1));
    const meanA = a.reduce((s, x) => s + x, 0) / a.length, meanB = b.reduce((s, x) => s + x, 0) / b.length;
    const cov = a.reduce((s, x, i) => s + (x - meanA) * (b[i]! - meanB), 0) / a.length;
    expect(Math.abs(cov / (1 / 12))).toBeLessThan(0.1);
    // No shifted copy either: the second stream is not the first one a few draws later.
    for (let shift = 1; shift < 50; shift++) expect(b.slice(0, 10)).not.toEqual(a.slice(shift, shift + 10));
  });
});
