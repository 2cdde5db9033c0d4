import { areaQuery, type AreaQuery } from './area-query-model.ts';
import type { Calibration } from './calibration.ts';
import { clusterSizing, type ClusterSizing } from './cluster-model.ts';
import { costByYear, type CostItems, type YearCost } from './cost-model.ts';
import { longQueries, type LongQueries } from './long-query-model.ts';
import { computeLoad, type Load } from './load-model.ts';
import type { Scenario } from './scenario.ts';
import { DAYS_PER_YEAR, storageByYear, type YearStorage } from './storage-model.ts';

/**
 * The whole estimate, in the shape `--format json` prints: snake_case keys
 * that docs/estimator.md documents and a test pins. Load figures are for the
 * largest fleet of the curve (what the cluster must carry); the headline costs
 * are the last year of the table, when the lake holds its full retention.
 */
export interface Estimate extends Load {
  readonly currency: string;
  /** New monthly partitions a day: 12 / 365.25. */
  readonly new_partitions_per_day: number;
  /** Monthly partitions alive at full retention: ceil(retention in months) + 1 (the current one). */
  readonly partitions_held: number;
  readonly area_query: AreaQuery;
  /** The typical area over long periods, with and without the presence rollups. */
  readonly long_area_queries: LongQueries;
  readonly cluster: ClusterSizing;
  readonly storage_bytes_by_year: readonly YearStorage[];
  readonly cost_by_year: readonly YearCost[];
  readonly monthly_cost: CostItems;
  readonly yearly_cost: CostItems;
  readonly monthly_cost_total: number;
  readonly yearly_cost_total: number;
  readonly inputs: Readonly<Record<string, string | number | readonly number[]>>;
  readonly calibration: {
    readonly source: string;
    readonly measured_at: string;
    readonly machine: string;
    readonly bytes_per_row: number;
    readonly ingest_rows_per_second_per_process: number;
    readonly ingest_source: string;
  };
}

const DAYS_PER_MONTH = DAYS_PER_YEAR / 12;

export function estimate(s: Scenario, calibration: Calibration): Estimate {
  const load = computeLoad(s, calibration, Math.max(...s.vehicles));
  const storage = storageByYear(s, calibration);
  const costs = costByYear(s, calibration);
  const last = costs[costs.length - 1];
  if (!last) throw new RangeError('the growth table has no year');
  return {
    currency: s.currency,
    ...load,
    new_partitions_per_day: 1 / DAYS_PER_MONTH,
    partitions_held: Math.ceil(s.retention.ms / 86_400_000 / DAYS_PER_MONTH - 1e-9) + 1,
    area_query: areaQuery(s, load.events_per_second_peak),
    long_area_queries: longQueries(s, load.events_per_second_avg, load.vehicles, calibration),
    cluster: clusterSizing(s, calibration),
    storage_bytes_by_year: storage,
    cost_by_year: costs,
    monthly_cost: last.monthly,
    yearly_cost: last.yearly,
    monthly_cost_total: last.monthly.total,
    yearly_cost_total: last.yearly.total,
    inputs: plainInputs(s),
    calibration: {
      source: calibration.provenance.source,
      measured_at: calibration.provenance.measured_at,
      machine: calibration.provenance.machine,
      bytes_per_row: calibration.storage.bytes_per_row,
      ingest_rows_per_second_per_process: calibration.ingest.rows_per_second_per_process,
      ingest_source: calibration.ingest.source,
    },
  };
}

/** The scenario as it was understood: durations in their written form, everything else as numbers. */
function plainInputs(s: Scenario): Record<string, string | number | readonly number[]> {
  const out: Record<string, string | number | readonly number[]> = {};
  for (const [key, value] of Object.entries(s) as [string, unknown][]) {
    out[key] = typeof value === 'object' && value !== null && 'text' in value ? String(value.text) : (value as string | number | readonly number[]);
  }
  return out;
}
