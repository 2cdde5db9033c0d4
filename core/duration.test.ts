import { describe, expect, it } from 'vitest';
import { formatClockDuration, formatDurationMs, parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it('reads a number and a unit', () => {
    expect(parseDuration('250ms')?.ms).toBe(250);
    expect(parseDuration(' 5s ')?.ms).toBe(5000);
    expect(parseDuration('1.5h')?.ms).toBe(5_400_000);
    expect(parseDuration('2w')?.ms).toBe(1_209_600_000);
    expect(parseDuration('7y')?.ms).toBe(7 * 365.25 * 86_400_000);
  });

  it('gives undefined for anything else, so the caller words the error', () => {
    expect(parseDuration('5')).toBeUndefined();
    expect(parseDuration('-5s')).toBeUndefined();
    expect(parseDuration('5 minutes')).toBeUndefined();
  });
});

describe('formatDurationMs', () => {
  it('writes days to milliseconds, skipping zero units', () => {
    expect(formatDurationMs(93_784_000)).toBe('1d 2h 3m 4s');
    expect(formatDurationMs(31 * 86_400_000)).toBe('31d');
    expect(formatDurationMs(60_250)).toBe('1m 250ms');
    expect(formatDurationMs(0)).toBe('0s');
    expect(formatDurationMs(0.5)).toBe('0.5ms');
  });
});

describe('formatClockDuration', () => {
  it('writes minutes:seconds, with hours only when there are some', () => {
    expect(formatClockDuration(72_000)).toBe('1:12');
    expect(formatClockDuration(3_723_000)).toBe('1:02:03');
    expect(formatClockDuration(400)).toBe('0:00');
    expect(formatClockDuration(Number.NaN)).toBe('--:--');
  });
});
