import type { Clock } from '../../core/clock.ts';

export interface ManualClock extends Clock {
  /** Moves time forward, waking every sleeper due by then, and lets their continuations run. */
  advance(ms: number): Promise<void>;
  /** Sleepers not yet woken. */
  readonly pending: number;
}

/** A clock for unit tests: time moves only when the test says so. */
export function createManualClock(startMs = 0): ManualClock {
  let now = startMs;
  let sleepers: { at: number; wake: () => void }[] = [];
  return {
    now: () => now,
    sleep(ms, signal) {
      return new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        const sleeper = { at: now + ms, wake: resolve };
        sleepers.push(sleeper);
        signal?.addEventListener('abort', () => {
          sleepers = sleepers.filter((s) => s !== sleeper);
          resolve();
        }, { once: true });
      });
    },
    async advance(ms) {
      now += ms;
      const due = sleepers.filter((s) => s.at <= now);
      sleepers = sleepers.filter((s) => s.at > now);
      for (const s of due) s.wake();
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
    get pending() {
      return sleepers.length;
    },
  };
}
