import { describe, expect, it } from 'vitest';
import { intervalToMs, queryIntervalMs, resolveTime, resolveTimeRange, roundInterval } from './time-range.ts';

const now = Date.parse('2024-03-31T12:00:00.000Z');

describe('Grafana time arithmetic', () => {
  it('resolves relative and absolute times', () => {
    expect(resolveTime('now', now)).toBe(now);
    expect(resolveTime('now-6h', now)).toBe(now - 6 * 3_600_000);
    expect(resolveTime('now-1M', now)).toBe(Date.parse('2024-03-02T12:00:00.000Z'));
    expect(resolveTime('now-1y', now)).toBe(Date.parse('2023-03-31T12:00:00.000Z'));
    expect(resolveTime('2024-01-01T00:00:00Z', now)).toBe(Date.parse('2024-01-01T00:00:00Z'));
  });

  it('refuses what it cannot resolve, naming the text', () => {
    expect(() => resolveTime('now/d', now)).toThrow('time "now/d" is not now, now-<n><unit> or an ISO time');
    expect(() => resolveTimeRange({ from: 'now', to: 'now-1h' }, now)).toThrow('time range now .. now-1h is empty');
  });

  it('rounds intervals down the Grafana ladder', () => {
    expect(roundInterval(5)).toBe(1);
    expect(roundInterval(21_600)).toBe(20_000);
    expect(roundInterval(3_600_000)).toBe(3_600_000);
    expect(roundInterval(10 * 365 * 86_400_000)).toBe(31_536_000_000);
  });

  it('computes the panel interval from range, max data points and minimum interval', () => {
    const sixHours = { fromMs: now - 6 * 3_600_000, toMs: now };
    expect(queryIntervalMs(sixHours)).toBe(20_000);
    expect(queryIntervalMs(sixHours, 100)).toBe(300_000);
    expect(queryIntervalMs(sixHours, 1000, '1m')).toBe(60_000);
    expect(intervalToMs('30')).toBe(30_000);
    expect(() => intervalToMs('1 minute')).toThrow('interval "1 minute" must be a number followed by');
  });
});
