import { setTimeout as delay } from 'node:timers/promises';

/** The time source of a live run, injected so tests can run live mode without waiting. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  async sleep(ms, signal) {
    if (signal?.aborted) return;
    await delay(ms, undefined, { signal }).catch((err: unknown) => {
      if ((err as { name?: string }).name !== 'AbortError') throw err;
    });
  },
};

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
