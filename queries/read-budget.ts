import { FleetlakeError } from '../core/errors.ts';
import { TABLES } from '../core/names.ts';
import type { QueryName } from './named-sql.ts';
import type { TableEstimate } from './query-runner.ts';
import { formatDurationMs } from '../core/duration.ts';

/** How fast this deployment reads each kind of table in an area query (api.read_rows_per_second, api.rollup_rows_per_second). */
export interface ReadRates {
  readonly rawRowsPerSecond: number;
  readonly rollupRowsPerSecond: number;
}

export interface ReadEstimate {
  readonly rows: number;
  readonly ms: number;
  readonly tables: readonly TableEstimate[];
}

const ROLLUP_TABLES: ReadonlySet<string> = new Set([TABLES.presenceHourly, TABLES.presenceDaily]);

/** The time a query's index-selected rows take to read at the configured rates. */
export function estimateReadMs(tables: readonly TableEstimate[], rates: ReadRates): ReadEstimate {
  let ms = 0;
  let rows = 0;
  for (const t of tables) {
    rows += t.rows;
    ms += (t.rows / (ROLLUP_TABLES.has(t.table) ? rates.rollupRowsPerSecond : rates.rawRowsPerSecond)) * 1000;
  }
  return { rows, ms, tables };
}

/**
 * Refuses, before it runs, a query whose estimate is past the time budget:
 * a 422 with the estimate and what to change now, rather than a 504 after
 * the whole budget was spent.
 */
export function checkReadBudget(query: QueryName, estimate: ReadEstimate, budgetMs: number, hint: string): void {
  if (estimate.ms <= budgetMs) return;
  const detail = estimate.tables.map((t) => `${t.table} ${Math.round(t.rows).toLocaleString('en')}`).join(', ');
  throw new FleetlakeError('API_QUERY_TOO_LARGE', {
    query,
    rows: Math.round(estimate.rows).toLocaleString('en'),
    detail,
    estimate: formatDurationMs(estimate.ms),
    budget: formatDurationMs(budgetMs),
    hint,
  });
}
