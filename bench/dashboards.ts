/**
 * node --import tsx bench/dashboards.ts [--vehicles 2000 --hours 6 --seed 1]
 *
 * How long each Grafana panel query takes on a lake holding `hours` of a
 * `vehicles`-strong fleet reporting every 5 s (defaults: 2000 × 6 h = 8.6 M
 * positions, the Fleet dashboard's default period): every dashboard is
 * rendered exactly as the proof test does (variables at their defaults,
 * macros expanded as the plugin does) and each query is timed alone, best of
 * three. The slowest panels say whether a rollup table would pay off.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openClickHouse } from '../core/clickhouse.ts';
import { loadConfig } from '../core/config.ts';
import { loadDistricts } from '../core/districts.ts';
import { parsePosition, type Position } from '../core/position.ts';
import type { Dashboard } from '../dashboards/harness/dashboard-model.ts';
import { insertMetrics, insertPositions, recordedReports } from '../dashboards/harness/lake-seed.ts';
import { loadDashboardFiles, loadDatasource } from '../dashboards/harness/provisioning.ts';
import { createQueryRunner, renderPanelQueries } from '../dashboards/harness/render.ts';
import { backfillMessages } from '../generator/index.ts';
import { replaceDistricts } from '../queries/districts-store.ts';
import { migrate } from '../schema/migrate.ts';
import { describeMachine } from './machine.ts';

const { values: args } = parseArgs({
  options: {
    vehicles: { type: 'string', default: '2000' },
    hours: { type: 'string', default: '6' },
    seed: { type: 'string', default: '1' },
  },
});
const vehicles = Number(args.vehicles);
const hours = Number(args.hours);
const INSERT_ROWS = 500_000;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fleetlake-bench-dashboards-'));
  const config = loadConfig({ env: { FLEETLAKE_DATA_DIR: dataDir } });
  const ch = openClickHouse(config);
  try {
    await migrate(ch.client, config);
    await replaceDistricts(ch.client, loadDistricts());
    const nowMs = Date.now();
    const loadStarted = performance.now();
    let chunk: Position[] = [];
    let rows = 0;
    for (const m of backfillMessages({ vehicles, seed: Number(args.seed), fromMs: nowMs - hours * 3_600_000, toMs: nowMs })) {
      const check = parsePosition(m.value);
      if (check.ok) chunk.push(check.position);
      if (chunk.length === INSERT_ROWS) {
        await insertPositions(ch.client, chunk);
        rows += chunk.length;
        chunk = [];
      }
    }
    await insertPositions(ch.client, chunk);
    rows += chunk.length;
    await insertMetrics(ch.client, recordedReports(nowMs));
    await ch.client.command({ query: 'OPTIMIZE TABLE fleet.positions FINAL' });
    console.log(`${rows} positions (${vehicles} vehicles × ${hours} h) loaded in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);
    console.log(`machine: ${describeMachine()}; embedded engine\n`);

    const datasource = loadDatasource();
    const run = createQueryRunner(ch.client, Object.fromEntries((datasource.jsonData.customSettings ?? []).map((s) => [s.setting, s.value])));
    const timings: Array<{ dashboard: string; panel: string; ms: number; rows: number }> = [];
    for (const { json } of loadDashboardFiles()) {
      const dashboard = json as Dashboard;
      for (const { panel, target, sql } of await renderPanelQueries(dashboard, Date.now(), run)) {
        let best = Infinity;
        let resultRows = 0;
        for (let i = 0; i < 3; i++) {
          const started = performance.now();
          resultRows = (await run(sql)).rows.length;
          best = Math.min(best, performance.now() - started);
        }
        timings.push({ dashboard: dashboard.title, panel: `${panel.title} ${target.refId}`, ms: best, rows: resultRows });
      }
    }
    console.log('| dashboard | panel | best of 3, ms | rows |\n| --- | --- | ---: | ---: |');
    for (const t of timings) console.log(`| ${t.dashboard} | ${t.panel} | ${t.ms.toFixed(0)} | ${t.rows} |`);
    const byDashboard = new Map<string, number>();
    for (const t of timings) byDashboard.set(t.dashboard, (byDashboard.get(t.dashboard) ?? 0) + t.ms);
    console.log('\n| dashboard | all panels one after another, ms |\n| --- | ---: |');
    for (const [dashboard, ms] of byDashboard) console.log(`| ${dashboard} | ${ms.toFixed(0)} |`);
  } finally {
    await ch.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
