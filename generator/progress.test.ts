import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressBar, formatProgress } from './progress.ts';

const p = (messages: number, reachedMs: number) => ({ messages, fromMs: 0, toMs: 1000, reachedMs });

describe('the backfill progress bar', () => {
  it('shows share done, messages, rate and ETA', () => {
    expect(formatProgress(p(1_234_567, 250), 10_000, 20)).toBe('[#####...............]  25%  1,234,567 msgs  123,457/s  ETA 0:30');
    expect(formatProgress(p(0, 0), 0, 4)).toBe('[....]   0%  0 msgs  0/s  ETA --:--');
    expect(formatProgress(p(10, 1000), 3_725_000, 4)).toBe('[####] 100%  10 msgs  0/s  ETA 0:00');
    expect(formatProgress(p(10, 100), 400_000, 4)).toContain('ETA 1:00:00');
  });

  it('redraws in place at most every 100 ms and ends the line when finished', () => {
    let now = 0;
    const writes: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        writes.push(chunk.toString());
        done();
      },
    });
    const bar = createProgressBar(stream, () => now);
    bar.update(p(1, 100));
    now = 50;
    bar.update(p(2, 200));
    now = 150;
    bar.update(p(3, 300));
    bar.finish();
    expect(writes).toHaveLength(4);
    expect(writes.slice(0, 3).every((w) => w.startsWith('\r['))).toBe(true);
    expect(writes[2]).toContain(' 30%');
    expect(writes[3]).toBe('\n');
  });
});
