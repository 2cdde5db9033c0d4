import type { AreaCover } from './area-cover.ts';
import type { QueryName } from './named-sql.ts';
import { bucketParam, type ParamValues } from './param-text.ts';
import type { ApiStats } from './schemas.ts';
import type { Period } from './time-range.ts';

/** The moving threshold baked into the rollups' moving columns (schema/migrations/0060_presence_rollups.sql). */
export const ROLLUP_MOVING_THRESHOLD_KMH = 5;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * How an area query reads: `raw` runs queries/sql/area-vehicles.sql (every
 * position of the cover's cells and the period), `rollup` runs
 * queries/sql/area-vehicles-rollup.sql, which takes the whole hours and days of
 * the interior cells from the presence rollups. Both give the same answer;
 * the planner picks raw whenever the rollups could not give it.
 */
export type AreaPlan =
  | { readonly path: 'raw'; readonly reason: string }
  | {
      readonly path: 'rollup';
      /** Whole days [dayFromMs, dayToMs) read from fleet.presence_daily; equal when none. */
      readonly dayFromMs: number;
      readonly dayToMs: number;
      /** Whole hours [hourFromMs, hourToMs) read from fleet.presence_hourly, less the days. */
      readonly hourFromMs: number;
      readonly hourToMs: number;
    };

export interface PlanInput {
  readonly period: Period;
  readonly cover: AreaCover;
  readonly movingOnly: boolean;
  readonly movingThresholdKmh: number;
  /** The API key is restricted to an area: a rollup row is not a position, so it cannot be tested against it. */
  readonly restrictedArea: boolean;
  /** api.use_rollups. */
  readonly useRollups: boolean;
}

export function planAreaQuery(input: PlanInput): AreaPlan {
  const { period, cover } = input;
  if (!input.useRollups) return { path: 'raw', reason: 'api.use_rollups is false' };
  if (cover.strategy !== 'h3') return { path: 'raw', reason: 'the area is scanned, not read by cells' };
  if (cover.interior.length === 0) return { path: 'raw', reason: 'the area has no cell wholly inside it' };
  if (input.restrictedArea) return { path: 'raw', reason: 'the API key is restricted to an area, which only raw positions can be tested against' };
  if (input.movingOnly && input.movingThresholdKmh !== ROLLUP_MOVING_THRESHOLD_KMH) {
    return { path: 'raw', reason: `moving_only with api.moving_threshold_kmh = ${input.movingThresholdKmh}; the rollups hold moving at ${ROLLUP_MOVING_THRESHOLD_KMH}` };
  }
  const hourFromMs = ceilTo(period.fromMs, HOUR_MS);
  const hourToMs = floorTo(period.toMs, HOUR_MS);
  if (hourToMs <= hourFromMs) return { path: 'raw', reason: 'the period holds no whole hour' };
  const dayFromMs = clamp(ceilTo(period.fromMs, DAY_MS), hourFromMs, hourToMs);
  const dayToMs = Math.max(dayFromMs, clamp(floorTo(period.toMs, DAY_MS), hourFromMs, hourToMs));
  return { path: 'rollup', dayFromMs, dayToMs, hourFromMs, hourToMs };
}

function ceilTo(ms: number, step: number): number {
  return Math.ceil(ms / step) * step;
}

function floorTo(ms: number, step: number): number {
  return Math.floor(ms / step) * step;
}

function clamp(value: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, value));
}

/** The named query a plan runs and its parameters, from the raw query's parameters. */
export function areaQueryFor(plan: AreaPlan, raw: ParamValues, movingOnly: boolean): { name: QueryName; params: ParamValues } {
  if (plan.path === 'raw') return { name: 'area-vehicles', params: raw };
  return {
    name: 'area-vehicles-rollup',
    params: {
      ...raw,
      moving_only: movingOnly ? 'true' : 'false',
      hour_from: bucketParam(plan.hourFromMs),
      hour_to: bucketParam(plan.hourToMs),
      day_from: bucketParam(plan.dayFromMs),
      day_to: bucketParam(plan.dayToMs),
    },
  };
}

/** What the response's `stats` say about the plan. */
export function planStats(plan: AreaPlan): Pick<ApiStats, 'path' | 'path_note' | 'rollup_days' | 'rollup_hours'> {
  if (plan.path === 'raw') return { path: 'raw', path_note: plan.reason };
  const days = (plan.dayToMs - plan.dayFromMs) / DAY_MS;
  return { path: 'rollup', rollup_days: days, rollup_hours: (plan.hourToMs - plan.hourFromMs) / HOUR_MS - days * 24 };
}
