import { FleetlakeError } from '../../core/errors.ts';
import { checkTarget, type Expectations, type Target } from './dashboard-model.ts';
import { isNumeric, type QueryResult } from './panel-contract.ts';
import { ALERT_RULES_FILE, interpolateEnv, readYaml } from './provisioning.ts';

/**
 * The provisioned Grafana alert rules, reduced to what the harness proves:
 * each rule's one ClickHouse query (with its relative time range) and the
 * reduce + threshold expressions Grafana applies to its result.
 */
export interface AlertRule {
  readonly uid: string;
  readonly title: string;
  readonly annotations: Readonly<Record<string, string>>;
  /** The data source query, with the data source reference Grafana resolves from datasourceUid. */
  readonly query: Target;
  /** Seconds before now, as Grafana's relativeTimeRange. */
  readonly relativeTimeRange: { readonly from: number; readonly to: number };
  readonly reducer: string;
  readonly threshold: { readonly type: 'gt' | 'lt'; readonly value: number };
}

interface RawData {
  refId?: string;
  datasourceUid?: string;
  relativeTimeRange?: { from?: number; to?: number };
  model?: Record<string, unknown>;
}

const bad = (where: string, detail: string) => new FleetlakeError('DASHBOARD_INVALID', { detail: `alert rule ${where}: ${detail}` });

function parseRule(raw: { uid?: string; title?: string; condition?: string; annotations?: Record<string, string>; data?: RawData[] }): AlertRule {
  const where = raw.uid ?? raw.title ?? '?';
  const data = raw.data ?? [];
  const queries = data.filter((d) => d.datasourceUid !== '__expr__');
  if (queries.length !== 1) throw bad(where, `needs exactly one data source query, found ${queries.length}`);
  const [q] = queries as [RawData];
  const byRef = new Map(data.map((d) => [d.refId, d.model ?? {}]));
  const condition = byRef.get(raw.condition);
  if (condition?.type !== 'threshold') throw bad(where, 'the condition must be a threshold expression');
  const reduce = byRef.get(condition.expression as string);
  if (reduce?.type !== 'reduce' || reduce.expression !== q.refId) throw bad(where, 'the threshold must read a reduce of the query');
  const evaluator = (condition.conditions as Array<{ evaluator?: { type?: string; params?: number[] } }> | undefined)?.[0]?.evaluator;
  if ((evaluator?.type !== 'gt' && evaluator?.type !== 'lt') || typeof evaluator.params?.[0] !== 'number') throw bad(where, 'the threshold must be gt or lt a number');
  const range = q.relativeTimeRange;
  if (typeof range?.from !== 'number' || typeof range.to !== 'number') throw bad(where, 'the query needs a relativeTimeRange');
  if (typeof raw.uid !== 'string' || typeof raw.title !== 'string') throw bad(where, 'uid and title are required');
  return {
    uid: raw.uid,
    title: raw.title,
    annotations: raw.annotations ?? {},
    query: { ...(q.model as unknown as Target), refId: String(q.refId), datasource: { type: 'grafana-clickhouse-datasource', uid: String(q.datasourceUid) } },
    relativeTimeRange: { from: range.from, to: range.to },
    reducer: String(reduce.reducer),
    threshold: { type: evaluator.type, value: evaluator.params[0] },
  };
}

export function loadAlertRules(file = ALERT_RULES_FILE): AlertRule[] {
  const raw = readYaml(file) as { apiVersion?: unknown; groups?: Array<{ rules?: unknown[] }> };
  if (raw?.apiVersion !== 1 || !Array.isArray(raw.groups)) throw bad(file, 'needs apiVersion: 1 and groups');
  return raw.groups.flatMap((g) => (g.rules ?? []).map((r) => parseRule(r as Parameters<typeof parseRule>[0])));
}

/**
 * What would break the rule in Grafana: a query not for the provisioned data
 * source or missing the plugin's fields; a `$` in its SQL (a browser-only
 * variable, a macro some Grafana versions blank out by environment
 * expansion); an annotation template whose `$` provisioning would expand away.
 */
export function checkAlertRule(rule: AlertRule, exp: Expectations): string[] {
  const problems: string[] = [];
  const where = `alert rule ${rule.uid}`;
  checkTarget(rule.query, exp, where, problems);
  if (rule.query.rawSql.includes('$')) problems.push(`${where}: the query must hold no "$" (variables, macros): write time windows with now64()`);
  for (const [key, text] of Object.entries(rule.annotations)) {
    if (interpolateEnv(text, {}) !== text.replaceAll('$$', '$')) problems.push(`${where}: annotation ${key} loses a "$" to environment expansion: write $$ for a literal $`);
  }
  return problems;
}

const REDUCERS: Readonly<Record<string, (values: number[]) => number>> = {
  last: (v) => v[v.length - 1]!,
  max: (v) => Math.max(...v),
  min: (v) => Math.min(...v),
  mean: (v) => v.reduce((a, b) => a + b, 0) / v.length,
};

/**
 * What Grafana decides from one evaluation's query result: the first numeric
 * column reduced, then compared. `undefined` is Grafana's "no data".
 */
export function evaluateRule(rule: AlertRule, result: QueryResult): { value: number; firing: boolean } | undefined {
  const index = result.columns.findIndex((c) => isNumeric(c.type));
  const reduce = REDUCERS[rule.reducer];
  if (!reduce) throw bad(rule.uid, `reducer ${rule.reducer} is not one of ${Object.keys(REDUCERS).join(', ')}`);
  if (index < 0 || result.rows.length === 0) return undefined;
  const value = reduce(result.rows.map((r) => Number(r[index])));
  return { value, firing: rule.threshold.type === 'gt' ? value > rule.threshold.value : value < rule.threshold.value };
}
