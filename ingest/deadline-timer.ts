import type { Clock } from '../core/clock.ts';

/** One pending wake-up on the injected clock, moved as the earliest max-wait deadline moves. */
export interface DeadlineTimer {
  /** When it fires next; +Infinity when it is not armed. */
  readonly at: number;
  /**
   * Fires `onDue` once at `at` (ms on the clock) instead of whenever it was
   * armed for; `at` = +Infinity disarms it. Does not block; never throws.
   */
  arm(at: number, now: number): void;
  /** Disarms it for good (closing). */
  cancel(): void;
}

/**
 * The pipeline's batch cut by max wait, apart from the lanes: one sleep on the
 * clock for the earliest deadline, so a manual clock drives it in tests.
 */
export function createDeadlineTimer(clock: Clock, onDue: () => void): DeadlineTimer {
  let armed: AbortController | undefined;
  let at = Number.POSITIVE_INFINITY;
  const cancel = () => {
    armed?.abort();
    armed = undefined;
    at = Number.POSITIVE_INFINITY;
  };
  return {
    get at() {
      return at;
    },
    arm(next, now) {
      if (next === at) return;
      cancel();
      at = next;
      if (next === Number.POSITIVE_INFINITY) return;
      const mine = new AbortController();
      armed = mine;
      void clock.sleep(next - now, mine.signal).then(() => {
        if (mine.signal.aborted) return;
        armed = undefined;
        at = Number.POSITIVE_INFINITY;
        onDue();
      });
    },
    cancel,
  };
}
