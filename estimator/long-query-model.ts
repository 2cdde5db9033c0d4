import type { Calibration } from './calibration.ts';
import type { Scenario } from './scenario.ts';
import { H3_CELL_AREA_KM2 } from './scenario-defaults.ts';

/**
 * What an area query costs over a long period, with the presence rollups
 * (docs/storage.md) and without: rows read, uncompressed bytes read and
 * latency at the calibrated read rates.
 *
 * Assumptions (docs/estimator.md): positions spread evenly over the service
 * area's cells, at the average event rate; the area is roughly square, so its
 * boundary cells (read raw, each position tested) are a ribbon along its
 * perimeter, 4·√A / √a cells, and the rest of the cells it touches are
 * interior. With rollups, interior cells cost their rollup rows: daily rows
 * for whole days, hourly rows for up to two partial days, raw positions for up
 * to two partial hours; rollup rows per vehicle and bucket are calibrated on
 * generator data, since they depend on how vehicles move, not on how often
 * they report. Without rollups every position of every touched cell is read.
 */
export interface QueryCalibration {
  /** Positions an area query reads per second (raw path), and presence-rollup rows. */
  readonly raw_rows_per_second: number;
  readonly rollup_rows_per_second: number;
  /** Uncompressed bytes an area query reads per raw row and per rollup row. */
  readonly raw_bytes_per_row: number;
  readonly rollup_bytes_per_row: number;
  /** Rollup rows per vehicle in the service area: per hour (fleet.presence_hourly) and per day (fleet.presence_daily). */
  readonly hourly_rows_per_vehicle_hour: number;
  readonly daily_rows_per_vehicle_day: number;
  /** Rollup storage on disk per position stored, both tables. */
  readonly rollup_bytes_per_position: number;
  readonly source: string;
}

/** bench:query and the 48-hour measurement of docs/storage.md, until `fleetlake estimate calibrate` measures them. */
export const DEFAULT_QUERY_CALIBRATION: QueryCalibration = {
  raw_rows_per_second: 17_000_000,
  rollup_rows_per_second: 10_000_000,
  raw_bytes_per_row: 33,
  rollup_bytes_per_row: 60,
  hourly_rows_per_vehicle_hour: 18.7,
  daily_rows_per_vehicle_day: 204,
  rollup_bytes_per_position: 1.43,
  source: 'docs/storage.md (300 vehicles every 10 s for 48 h) and bench:query on the development machine',
};

export interface LongQueryCost {
  readonly period: string;
  readonly raw_only_rows: number;
  readonly raw_only_bytes: number;
  readonly raw_only_seconds: number;
  readonly rollup_raw_rows: number;
  readonly rollup_rows: number;
  readonly rollup_bytes: number;
  readonly rollup_seconds: number;
}

export interface LongQueries {
  readonly query_area_km2: number;
  readonly interior_cells: number;
  readonly boundary_cells: number;
  readonly periods: readonly LongQueryCost[];
  /** The rollups' disk per year at the fleet's average event rate, one replica. */
  readonly rollup_bytes_per_year: number;
}

const HOUR_S = 3600;
const DAY_S = 86_400;
export const LONG_PERIODS: readonly [string, number][] = [
  ['1 hour', HOUR_S],
  ['1 day', DAY_S],
  ['30 days', 30 * DAY_S],
  ['1 year', 365 * DAY_S],
];

export function longQueries(s: Scenario, eventsPerSecondAvg: number, vehicles: number, calibration: Calibration): LongQueries {
  const q = calibration.query ?? DEFAULT_QUERY_CALIBRATION;
  const a = H3_CELL_AREA_KM2;
  const serviceCells = s.service_area_km2 / a;
  const touched = Math.min(Math.ceil((Math.sqrt(s.query_area_km2) + Math.sqrt(a)) ** 2 / a), Math.ceil(serviceCells));
  const boundary = Math.min(touched, Math.ceil((4 * Math.sqrt(s.query_area_km2)) / Math.sqrt(a)));
  const interior = touched - boundary;
  const perCell = eventsPerSecondAvg / serviceCells;
  const vehiclesPerCell = vehicles / serviceCells;
  const periods = LONG_PERIODS.map(([period, seconds]): LongQueryCost => {
    const rawOnly = perCell * touched * seconds;
    // Whole days, up to two days of whole hours around them, up to two partial hours at the ends.
    const partialS = Math.min(seconds, 2 * HOUR_S);
    const hourlyS = Math.min(seconds - partialS, 2 * DAY_S);
    const dailyS = Math.max(0, seconds - partialS - hourlyS);
    const raw = perCell * (boundary * seconds + interior * partialS);
    const rollup = vehiclesPerCell * interior * ((hourlyS / HOUR_S) * q.hourly_rows_per_vehicle_hour + (dailyS / DAY_S) * q.daily_rows_per_vehicle_day);
    return {
      period,
      raw_only_rows: rawOnly,
      raw_only_bytes: rawOnly * q.raw_bytes_per_row,
      raw_only_seconds: rawOnly / q.raw_rows_per_second,
      rollup_raw_rows: raw,
      rollup_rows: rollup,
      rollup_bytes: raw * q.raw_bytes_per_row + rollup * q.rollup_bytes_per_row,
      rollup_seconds: raw / q.raw_rows_per_second + rollup / q.rollup_rows_per_second,
    };
  });
  return {
    query_area_km2: s.query_area_km2,
    interior_cells: interior,
    boundary_cells: boundary,
    periods,
    rollup_bytes_per_year: eventsPerSecondAvg * 365.25 * DAY_S * q.rollup_bytes_per_position,
  };
}
