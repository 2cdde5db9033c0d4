import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { FleetlakeError } from '../../core/errors.ts';
import type { Dashboard, Panel, Target, Variable } from './dashboard-model.ts';
import { expandMacros, unknownMacros, type MacroContext } from './macros.ts';
import type { QueryResult } from './panel-contract.ts';
import { ALL_VALUE, applyTemplate, type ResolvedVariable, type VariableOption } from './template.ts';
import { queryIntervalMs, resolveTimeRange, type TimeRangeMs } from './time-range.ts';

/**
 * Does what Grafana and the plugin do between a dashboard file and the SQL
 * ClickHouse receives: resolve the time range, run the variable queries in
 * order and pick each one's default or first option, then expand every panel
 * query (browser template step, then backend macros).
 */
export type RunQuery = (sql: string) => Promise<QueryResult>;

export interface RenderedQuery {
  readonly panel: Panel;
  readonly target: Target;
  readonly sql: string;
}

/** Template variables, then macros; refuses `$__name` tokens the plugin does not know (ClickHouse would get them raw). */
export function expandQuery(sql: string, variables: readonly ResolvedVariable[], ctx: MacroContext, where: string): string {
  const templated = applyTemplate(sql, variables, where);
  const unknown = unknownMacros(templated);
  if (unknown.length > 0) throw new FleetlakeError('DASHBOARD_INVALID', { detail: `${where}: unknown macro(s) ${unknown.map((n) => `$__${n}`).join(', ')}` });
  return expandMacros(templated, ctx);
}

/** metricFindQuery: one column gives text = value; with more, the first is the value and the second the text. */
function toOptions(result: QueryResult): VariableOption[] {
  const twoColumns = result.columns.length > 1;
  return result.rows.map((row) => ({ value: String(row[0]), text: String(twoColumns ? row[1] : row[0]) }));
}

/**
 * `default`: what Grafana shows on load (the saved selection if still offered, else the first option, All
 * when there is one). `first-value`: the first real option, so `$__conditionalAll` conditions run too.
 */
export type Selection = 'default' | 'first-value';

function pickCurrent(variable: Variable, options: readonly VariableOption[], selection: Selection): string | readonly string[] {
  if (selection === 'first-value') return options.find((o) => o.value !== ALL_VALUE)!.value;
  const wanted = variable.current?.value;
  const values = new Set(options.map((o) => o.value));
  if (typeof wanted === 'string' && values.has(wanted)) return wanted;
  if (Array.isArray(wanted) && wanted.length > 0 && wanted.every((w) => values.has(String(w)))) return wanted.map(String);
  // Grafana's validateVariableSelectionState: an absent or stale selection falls back to the first option.
  return options[0]!.value;
}

export async function resolveVariables(dashboard: Dashboard, range: TimeRangeMs, run: RunQuery, selection: Selection = 'default'): Promise<ResolvedVariable[]> {
  const resolved: ResolvedVariable[] = [];
  for (const variable of dashboard.templating.list) {
    const where = `${dashboard.title}: variable ${variable.name}`;
    // A variable query is sent without a panel interval, so the backend sees 0.
    const sql = expandQuery(variable.query ?? '', resolved, { ...range, intervalMs: 0 }, where);
    const found = toOptions(await run(sql));
    if (found.length === 0) throw new FleetlakeError('DASHBOARD_INVALID', { detail: `${where}: the query returned no options` });
    const options = variable.includeAll ? [{ text: 'All', value: ALL_VALUE }, ...found] : found;
    resolved.push({ name: variable.name, current: pickCurrent(variable, options, selection), options, ...(variable.allValue ? { allValue: variable.allValue } : {}) });
  }
  return resolved;
}

/** Every panel target of `dashboard` as ClickHouse will receive it, with the dashboard's default time range at `nowMs`. */
export async function renderPanelQueries(dashboard: Dashboard, nowMs: number, run: RunQuery, selection: Selection = 'default'): Promise<RenderedQuery[]> {
  const range = resolveTimeRange(dashboard.time, nowMs);
  const variables = await resolveVariables(dashboard, range, run, selection);
  return dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => {
      const ctx = { ...range, intervalMs: queryIntervalMs(range, panel.maxDataPoints, panel.interval) };
      return { panel, target, sql: expandQuery(target.rawSql, variables, ctx, `${dashboard.title}: panel "${panel.title}" ${target.refId}`) };
    }),
  );
}

/**
 * Runs SQL with the Grafana data source's custom settings. (Read-only is
 * checked on the text instead, checkTarget: the embedded engine applies
 * per-query settings with SET, so `readonly` would outlive the query.)
 */
export function createQueryRunner(client: ClickHouseClient, settings: ClickHouseSettings = {}): RunQuery {
  return async (sql) => {
    const rs = await client.query({ query: sql, format: 'JSONCompactEachRowWithNamesAndTypes', clickhouse_settings: settings });
    const [names = [], types = [], ...rows] = await rs.json<unknown[]>();
    return { columns: names.map((name, i) => ({ name: String(name), type: String(types[i]) })), rows };
  };
}
