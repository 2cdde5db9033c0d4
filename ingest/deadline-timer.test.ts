import { describe, expect, it } from 'vitest';
import { createDeadlineTimer } from './deadline-timer.ts';
import { createManualClock } from './testing/manual-clock.ts';

describe('createDeadlineTimer', () => {
  it('fires once at the time it was last armed for, and not for a deadline it was moved from', async () => {
    const clock = createManualClock(0);
    const fired: number[] = [];
    const timer = createDeadlineTimer(clock, () => fired.push(clock.now()));
    timer.arm(1000, 0);
    timer.arm(400, 0);
    expect(timer.at).toBe(400);
    await clock.advance(399);
    expect(fired).toEqual([]);
    await clock.advance(1);
    expect(fired).toEqual([400]);
    expect(timer.at).toBe(Number.POSITIVE_INFINITY);
    await clock.advance(1000);
    expect(fired).toEqual([400]);
    expect(clock.pending).toBe(0);
  });

  it('is disarmed by +Infinity or cancel, leaving no sleeper behind', async () => {
    const clock = createManualClock(0);
    let fired = 0;
    const timer = createDeadlineTimer(clock, () => (fired += 1));
    timer.arm(100, 0);
    timer.arm(Number.POSITIVE_INFINITY, 0);
    timer.arm(200, 0);
    timer.cancel();
    await clock.advance(1000);
    expect([fired, clock.pending, timer.at]).toEqual([0, 0, Number.POSITIVE_INFINITY]);
  });
});
