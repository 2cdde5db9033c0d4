import type { Clock } from '../core/clock.ts';

/** A clock that only moves when slept on: a live run on it finishes at once, with the same pacing decisions. */
export function createVirtualClock(startMs: number): Clock & { readonly slept: number[] } {
  let now = startMs;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    async sleep(ms) {
      slept.push(ms);
      now += ms;
    },
  };
}
