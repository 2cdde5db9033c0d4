import { formatDurationMs } from '../core/duration.ts';
import { FleetlakeError } from '../core/errors.ts';

/** A half-open period: from <= ts < to, in milliseconds since the epoch. */
export interface Period {
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * Checks a request's period: both ends RFC 3339 (the route schemas check the
 * format; this parses), `to` after `from`, and no longer than the maximum.
 */
export function checkPeriod(from: string, to: string, maxMs: number): Period {
  const fromMs = parseInstant(from, 'from');
  const toMs = parseInstant(to, 'to');
  if (toMs <= fromMs) {
    throw new FleetlakeError('API_INVALID_PERIOD', { detail: `to (${to}) must be after from (${from}): the period is from <= ts < to` });
  }
  if (toMs - fromMs > maxMs) {
    throw new FleetlakeError('API_PERIOD_TOO_LONG', { from, to, length: formatDurationMs(toMs - fromMs), max: formatDurationMs(maxMs) });
  }
  return { fromMs, toMs };
}

/** The instants ClickHouse's DateTime64(3) holds that a position can have: from the epoch to the end of 2299. */
export const EARLIEST_INSTANT_MS = 0;
export const LATEST_INSTANT_MS = Date.parse('2300-01-01T00:00:00Z');

export function parseInstant(value: string, field: string): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new FleetlakeError('API_INVALID_PERIOD', { detail: `${field} ${JSON.stringify(value)} is not an RFC 3339 date-time` });
  if (ms < EARLIEST_INSTANT_MS || ms > LATEST_INSTANT_MS) {
    throw new FleetlakeError('API_INVALID_PERIOD', { detail: `${field} ${value} is out of range: give an instant from 1970-01-01T00:00:00Z to 2300-01-01T00:00:00Z` });
  }
  return ms;
}
