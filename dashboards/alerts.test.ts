import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '../core/names.ts';
import { openTestLake, type TestLake } from '../test-support/lake.ts';
import { checkAlertRule, evaluateRule, loadAlertRules, type AlertRule } from './harness/alert-rules.ts';
import { generatedPositions, insertMetrics, insertPositions, metricRow } from './harness/lake-seed.ts';
import { CLICKHOUSE_PLUGIN_ID, loadDatasource } from './harness/provisioning.ts';
import { createQueryRunner, expandQuery, type RunQuery } from './harness/render.ts';

/**
 * The two paging alerts, proven on a lake: each rule's query runs as
 * Grafana's evaluator would send it, and its reduce + threshold decide
 * "firing" exactly when ops should be paged.
 */
const datasource = loadDatasource();
const expectations = { datasourceUid: datasource.uid, pluginId: CLICKHOUSE_PLUGIN_ID, pluginVersion: datasource.jsonData.version };
const rules = loadAlertRules();
const rule = (uid: string) => rules.find((r) => r.uid === uid)!;
const stopped = rule('fleetlake-ingest-stopped');
const lagGrowing = rule('fleetlake-consumer-lag-growing');

describe('alert rule files', () => {
  it('provide the two paging rules, sound for Grafana', () => {
    expect(rules.map((r) => r.uid)).toEqual(['fleetlake-ingest-stopped', 'fleetlake-consumer-lag-growing']);
    for (const r of rules) expect(checkAlertRule(r, expectations)).toEqual([]);
  });

  it('refuses queries with variables or macros, and annotations provisioning would mangle', () => {
    const broken: AlertRule = {
      ...stopped,
      query: { ...stopped.query, rawSql: 'SELECT 1 WHERE $__timeFilter(ts)', pluginVersion: '3.0.0' },
      annotations: { summary: 'lag is {{ $values.B.Value }}' },
    };
    expect(checkAlertRule(broken, expectations)).toEqual([
      `alert rule fleetlake-ingest-stopped: pluginVersion must be "${datasource.jsonData.version}", found "3.0.0"`,
      'alert rule fleetlake-ingest-stopped: the query must hold no "$" (variables, macros): write time windows with now64()',
      'alert rule fleetlake-ingest-stopped: annotation summary loses a "$" to environment expansion: write $$ for a literal $',
    ]);
  });
});

describe('alert rules on a lake', () => {
  let lake: TestLake;
  let run: RunQuery;

  beforeAll(async () => {
    lake = await openTestLake();
    run = createQueryRunner(lake.ch.client, Object.fromEntries((datasource.jsonData.customSettings ?? []).map((s) => [s.setting, s.value])));
  });
  afterAll(async () => lake?.dispose());

  /**
   * Evaluates a rule as Grafana would at `atMs`: the rule's now() and now64()
   * read that instant instead of the wall clock, so a slow machine cannot move
   * a window between inserting the data and reading it.
   */
  async function evaluate(r: AlertRule, atMs: number) {
    const ctx = { fromMs: atMs - r.relativeTimeRange.from * 1000, toMs: atMs - r.relativeTimeRange.to * 1000, intervalMs: 0 };
    const sql = expandQuery(r.query.rawSql, [], ctx, r.uid)
      .replaceAll('now64(3)', `toDateTime64(${atMs / 1000}, 3, 'UTC')`)
      .replaceAll('now()', `toDateTime(${Math.floor(atMs / 1000)}, 'UTC')`);
    expect(sql, 'a clock the test cannot fix').not.toMatch(/\bnow(64)?\s*\(/);
    return evaluateRule(r, await run(sql));
  }

  it('ingest stopped: fires on an empty lake and on stale data, and is quiet once fresh positions arrive', async () => {
    const now = Date.UTC(2026, 10, 2, 12);
    expect((await evaluate(stopped, now))?.firing).toBe(true);
    const newest = (positions: readonly { ts_ms: number }[]) => positions.reduce((n, p) => Math.max(n, p.ts_ms), -Infinity);
    const old = generatedPositions(3, now - 900_000, now - 600_000);
    await insertPositions(lake.ch.client, old);
    const stale = await evaluate(stopped, now);
    expect(stale?.firing).toBe(true);
    expect(stale?.value).toBe((now - newest(old)) / 1000);
    const recent = generatedPositions(3, now - 60_000, now);
    await insertPositions(lake.ch.client, recent);
    const fresh = await evaluate(stopped, now);
    expect(fresh?.firing).toBe(false);
    expect(fresh?.value).toBe((now - newest(recent)) / 1000);
  });

  it('consumer lag growing: quiet without reports and on a steady lag, fires when the lag keeps rising', async () => {
    const now = Date.UTC(2026, 10, 2, 12, 0, 17);
    expect((await evaluate(lagGrowing, now))?.firing).toBe(false);
    const report = (partition: number, lag: (t: number) => number) =>
      Array.from({ length: 13 * 12 }, (_, i) => now - 13 * 60_000 + i * 5000).map((t) =>
        metricRow(t, 'ingest-a', 'consumer_lag', lag(t), { topic: TOPICS.positions, partition: String(partition) }));
    await insertMetrics(lake.ch.client, [...report(0, () => 5000), ...report(1, (t) => 2000 + ((t / 1000) % 7))]);
    const steady = await evaluate(lagGrowing, now);
    expect(steady?.firing).toBe(false);
    expect(Math.abs(steady!.value)).toBeLessThan(1);
    // 300 more messages behind every second on one partition.
    await insertMetrics(lake.ch.client, report(2, (t) => 300 * ((t - (now - 13 * 60_000)) / 1000)));
    const growing = await evaluate(lagGrowing, now);
    expect(growing?.firing).toBe(true);
    expect(growing!.value).toBeCloseTo(300, 0);
  });
});
