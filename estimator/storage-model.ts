import type { Calibration } from './calibration.ts';
import { averageEventsPerSecond, SECONDS_PER_DAY } from './load-model.ts';
import type { Scenario } from './scenario.ts';

/**
 * What fleet.positions holds at a point in time under its TTL: the hot volume
 * holds the last hot_period, the cold volume the rest up to retention. Time is
 * in days since the lake started; a year is 365.25 days (as `7y` in
 * core/duration.ts), and the fleet is constant within each year of the curve.
 */
export const DAYS_PER_YEAR = 365.25;
const MS_PER_DAY = SECONDS_PER_DAY * 1000;

export interface StoredAt {
  readonly rows_hot: number;
  readonly rows_cold: number;
  readonly hot_bytes: number;
  readonly cold_bytes: number;
  readonly total_bytes: number;
}

export interface YearStorage extends StoredAt {
  /** 1 = the end of the first year of operation. */
  readonly year: number;
  readonly vehicles: number;
  readonly events_per_second_avg: number;
  readonly rows_per_day: number;
}

/** The fleet during the year that contains `day` (day 365.25 still belongs to year 1). */
export function vehiclesAt(s: Scenario, day: number): number {
  const curve = s.vehicles;
  const index = Math.max(0, Math.ceil(day / DAYS_PER_YEAR) - 1);
  return curve[Math.min(index, curve.length - 1)] ?? 0;
}

export function rowsPerDay(s: Scenario, vehicles: number): number {
  return averageEventsPerSecond(s, vehicles) * SECONDS_PER_DAY;
}

/** Rows written between two days (the rate is piecewise constant, one piece per year). */
export function rowsBetween(s: Scenario, fromDay: number, toDay: number): number {
  let rows = 0;
  let day = Math.max(0, fromDay);
  while (day < toDay) {
    const yearEnd = (Math.floor(day / DAYS_PER_YEAR) + 1) * DAYS_PER_YEAR;
    const end = Math.min(yearEnd, toDay);
    // The middle of the piece is safely inside its year, whatever rounding does at the edges.
    rows += rowsPerDay(s, vehiclesAt(s, (day + end) / 2)) * (end - day);
    day = end;
  }
  return rows;
}

export function storedAt(s: Scenario, calibration: Calibration, day: number): StoredAt {
  const hotDays = s.hot_period.ms / MS_PER_DAY;
  const retentionDays = s.retention.ms / MS_PER_DAY;
  const rowsHot = rowsBetween(s, day - hotDays, day);
  const rowsCold = rowsBetween(s, day - retentionDays, day - hotDays);
  const bytes = (rows: number) => rows * calibration.storage.bytes_per_row * s.replicas;
  return {
    rows_hot: rowsHot,
    rows_cold: rowsCold,
    hot_bytes: bytes(rowsHot),
    cold_bytes: bytes(rowsCold),
    total_bytes: bytes(rowsHot + rowsCold),
  };
}

/** Years the growth table covers: the whole retention, or the whole curve when it is longer. */
export function tableYears(s: Scenario): number {
  const retentionYears = s.retention.ms / MS_PER_DAY / DAYS_PER_YEAR;
  return Math.max(Math.ceil(retentionYears - 1e-9), s.vehicles.length, 1);
}

export function storageByYear(s: Scenario, calibration: Calibration): YearStorage[] {
  const years: YearStorage[] = [];
  for (let year = 1; year <= tableYears(s); year++) {
    const day = year * DAYS_PER_YEAR;
    const vehicles = vehiclesAt(s, day);
    const perDay = rowsPerDay(s, vehicles);
    years.push({ year, vehicles, events_per_second_avg: perDay / SECONDS_PER_DAY, rows_per_day: perDay, ...storedAt(s, calibration, day) });
  }
  return years;
}
