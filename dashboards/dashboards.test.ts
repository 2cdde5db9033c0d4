import { latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { H3_RESOLUTION } from '../core/names.ts';
import { pointInRings } from '../queries/planar.ts';
import { openTestLake, type TestLake } from '../test-support/lake.ts';
import { checkDashboard, type Dashboard } from './harness/dashboard-model.ts';
import { seedLake, type SeededLake } from './harness/lake-seed.ts';
import { checkPanelResult, type QueryResult } from './harness/panel-contract.ts';
import { CLICKHOUSE_PLUGIN_ID, loadDashboardFiles, loadDatasource } from './harness/provisioning.ts';
import { createQueryRunner, renderPanelQueries, resolveVariables, type RunQuery } from './harness/render.ts';
import { resolveTimeRange } from './harness/time-range.ts';

/**
 * The proof the issue asks for: every provisioned dashboard, loaded as Grafana
 * would, its variables and macros expanded as Grafana and the plugin would,
 * and every panel query run against a migrated lake holding fleet and ingest
 * data. A migration that renames or drops what a panel reads fails here.
 */
const datasource = loadDatasource();
const expectations = { datasourceUid: datasource.uid, pluginId: CLICKHOUSE_PLUGIN_ID, pluginVersion: datasource.jsonData.version };
const files = loadDashboardFiles();
const dashboards = files.map((f) => ({ ...f, dashboard: f.json as Dashboard }));
const byUid = (uid: string) => dashboards.find((d) => d.dashboard.uid === uid)!.dashboard;
const settings = Object.fromEntries((datasource.jsonData.customSettings ?? []).map((s) => [s.setting, s.value]));

describe('dashboard files', () => {
  it('provides the five dashboards, each with its own uid', () => {
    expect(dashboards.map((d) => d.dashboard.uid).sort()).toEqual(['fleetlake-area-explorer', 'fleetlake-devices', 'fleetlake-fleet', 'fleetlake-ingest', 'fleetlake-storage']);
  });

  it.each(files)('$file is structurally sound', ({ json }) => {
    expect(checkDashboard(json, expectations)).toEqual([]);
  });
});

describe('every panel query against a lake with fleet and ingest data', () => {
  let lake: TestLake;
  let seeded: SeededLake;
  let run: RunQuery;
  // Dashboards are looked at after the data arrived: rejects and ingest reports carry the time they were written.
  let nowMs: number;

  /** One panel's first query result, as its dashboard shows it by default. */
  async function panelResult(uid: string, title: string): Promise<QueryResult> {
    const rendered = (await renderPanelQueries(byUid(uid), nowMs, run)).find((q) => q.panel.title === title);
    return run(rendered!.sql);
  }

  beforeAll(async () => {
    lake = await openTestLake({ ingest: { metrics_port: 0, report_interval: '1s', instance: 'dashboard-proof' } });
    seeded = await seedLake(lake.ch.client, lake.config, Date.now());
    nowMs = Date.now();
    run = createQueryRunner(lake.ch.client, settings);
  });
  afterAll(async () => lake?.dispose());

  const cases = dashboards.flatMap((d) => (['default', 'first-value'] as const).map((selection) => ({ ...d, selection })));
  it.each(cases)('$file ($selection variables): every query runs and returns what its panel draws', async ({ dashboard, selection }) => {
    const failures: string[] = [];
    for (const { panel, target, sql } of await renderPanelQueries(dashboard, nowMs, run, selection)) {
      const where = `"${panel.title}" ${target.refId}`;
      let result: QueryResult;
      try {
        result = await run(sql);
      } catch (err) {
        failures.push(`${where}: ClickHouse refused the query: ${(err as Error).message}\n${sql}`);
        continue;
      }
      if (result.rows.length === 0) failures.push(`${where}: no rows, though the lake holds data for it`);
      for (const problem of checkPanelResult(panel, target, result)) failures.push(`${where}: ${problem}`);
    }
    expect(failures).toEqual([]);
  });

  it('Area explorer: the vehicles listed for the district are exactly those with a position inside it', async () => {
    const dashboard = byUid('fleetlake-area-explorer');
    const range = resolveTimeRange(dashboard.time, nowMs);
    const [district] = await resolveVariables(dashboard, range, run);
    // The same plane test ClickHouse's pointInPolygon does, on (lon, lat) in degrees.
    const polygons = seeded.districts.find((d) => d.id === district!.current)!.polygons;
    const expected = new Set(
      seeded.positions
        .filter((p) => p.ts_ms >= range.fromMs && p.ts_ms <= range.toMs && polygons.some((rings) => pointInRings(p.lon, p.lat, rings)))
        .map((p) => p.vehicle_id),
    );
    const listed = await panelResult('fleetlake-area-explorer', 'Vehicles in the district during the period');
    expect(expected.size).toBeGreaterThan(0);
    expect(listed.rows.map((r) => r[0])).toEqual([...expected].sort());
  });

  it('Fleet: H3 cell centres come out as (lat, lon) in the city, whatever the server order setting', async () => {
    const density = await panelResult('fleetlake-fleet', 'Position density by H3 cell');
    const col = (name: string) => density.columns.findIndex((c) => c.name === name);
    expect(density.rows.length).toBeGreaterThan(0);
    for (const row of density.rows) {
      expect(latLngToCell(Number(row[col('lat')]), Number(row[col('lon')]), H3_RESOLUTION)).toBe(row[col('h3')]);
    }
  });

  it('Fleet: API access lists each route the API was called on, by key, from the audit trail', async () => {
    const access = await panelResult('fleetlake-fleet', 'API access');
    const col = (name: string) => access.columns.findIndex((c) => c.name === name);
    const routes = access.rows.map((r) => `${String(r[col('api_key')])} ${String(r[col('route')])} ${String(r[col('requests')])}`).sort();
    expect(routes).toEqual(['local (auth off) /v1/area-query 1', 'local (auth off) /v1/vehicles/:id/track 1', 'local (auth off) /v1/vehicles/latest 1']);
  });

  it('Ingest: every refused message is counted, and freshness is seconds', async () => {
    const [[rejects]] = (await panelResult('fleetlake-ingest', 'Rejected messages in period')).rows as [[string]];
    expect(Number(rejects)).toBe(seeded.refused);
    // The panel reads ClickHouse's now(): bracket it by the test's clock before and after, however slow the machine.
    const newestMs = seeded.positions.reduce((newest, p) => Math.max(newest, p.ts_ms), -Infinity);
    const before = Date.now();
    const [[freshness]] = (await panelResult('fleetlake-ingest', 'Freshness (now − newest event)')).rows as [[number]];
    const after = Date.now();
    expect(freshness).toBeGreaterThanOrEqual((before - newestMs) / 1000);
    expect(freshness).toBeLessThanOrEqual((after - newestMs) / 1000);
  });

  it('Devices: frames by outcome and unknown devices come from the gateway\'s archive, the answered command from its log', async () => {
    const outcomes = await panelResult('fleetlake-devices', 'Frames by outcome');
    const col = (r: QueryResult, name: string) => r.columns.findIndex((c) => c.name === name);
    const byOutcome = new Map<string, number>();
    for (const row of outcomes.rows) byOutcome.set(String(row[col(outcomes, 'outcome')]), (byOutcome.get(String(row[col(outcomes, 'outcome')])) ?? 0) + Number(row[col(outcomes, 'frames')]));
    // Three registered trackers: a login, three packets and a command answer each (one tracker was commanded); the unknown one's refused login; the garbage.
    expect(Object.fromEntries(byOutcome)).toEqual({ ok: 3 * 4 + 1, unknown_device: 1, garbage: 1 });
    const unknown = await panelResult('fleetlake-devices', 'Unknown devices');
    expect(unknown.rows.map((r) => r[col(unknown, 'to_let_it_in')])).toEqual(['fleetlake devices add 359999999999999 --vehicle <id>']);
    const commands = await panelResult('fleetlake-devices', 'Commands to devices');
    expect(commands.rows.map((r) => [r[col(commands, 'command')], r[col(commands, 'state')]])).toEqual([['getinfo', 'answered']]);
    const [[perSecond]] = (await panelResult('fleetlake-devices', 'Positions/s from devices (period)')).rows as [[number]];
    expect(perSecond).toBeCloseTo(18 / 3600, 6);
  });

  it('Storage: the archived month shows on the cold volume, the live data on the hot one', async () => {
    const bars = await panelResult('fleetlake-storage', 'Bytes on disk by month, hot and cold');
    const [, hot, cold] = [0, 1, 2].map((i) => bars.rows.reduce((sum, r) => sum + Number(r[i]), 0));
    expect(hot).toBeGreaterThan(0);
    expect(cold).toBeGreaterThan(0);
  });
});
