import { FleetlakeError } from '../core/errors.ts';
import { TABLES } from '../core/names.ts';
import type { QueryName } from './named-sql.ts';
import type { ParamValues } from './param-text.ts';
import type { QueryRunner, TableEstimate } from './query-runner.ts';
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
  /** index: the query's EXPLAIN ESTIMATE; period: a bound on everything the period holds (queries/period-bound.ts), which fit the budget. */
  readonly source: 'index' | 'period';
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
  return { rows, ms, tables, source: 'index' };
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

/** The settings an estimate reads: the two read rates and the time budget. */
export interface BudgetSettings {
  readonly read_rows_per_second: number;
  readonly rollup_rows_per_second: number;
  readonly query_timeout: { readonly ms: number };
}

/**
 * Estimates a named query and refuses it (422) when past the time budget; the
 * estimate goes into the answer's stats. `boundRows`, when known, bounds
 * what the query can read at all: if even that fits the budget at the slower
 * read rate, the index has nothing to refuse and is not asked.
 */
export async function checkedEstimate(queries: QueryRunner, budget: BudgetSettings, name: QueryName, params: ParamValues, hint: string, boundRows?: number): Promise<ReadEstimate> {
  const rates = { rawRowsPerSecond: budget.read_rows_per_second, rollupRowsPerSecond: budget.rollup_rows_per_second };
  if (boundRows !== undefined) {
    const ms = (boundRows / Math.min(rates.rawRowsPerSecond, rates.rollupRowsPerSecond)) * 1000;
    if (ms <= budget.query_timeout.ms) return { rows: boundRows, ms, tables: [], source: 'period' };
  }
  const estimate = estimateReadMs(await queries.estimate(name, params), rates);
  checkReadBudget(name, estimate, budget.query_timeout.ms, hint);
  return estimate;
}
