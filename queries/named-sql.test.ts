import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeviceStore } from '../gateway/device-store.ts';
import { runFleetlake } from '../test-support/run-fleetlake.ts';
import { coverArea } from './area-cover.ts';
import { loadNamedQueries, NAMED_SQL_DIR, QUERY_NAMES, readNamedQuery, type QueryName } from './named-sql.ts';
import { bucketParam, cellsParam, dateTimeParam, multiPolygonParam, type ParamValues } from './param-text.ts';
import { createQueryRunner } from './query-runner.ts';
import { bboxRing } from './request-checks.ts';
import { openApiTestLake, type ApiTestLake } from './testing/api-lake.ts';

describe('named SQL files', () => {
  it('holds one file per query the API runs, each one SELECT with typed placeholders', () => {
    expect(readdirSync(NAMED_SQL_DIR).sort()).toEqual(QUERY_NAMES.map((n) => `${n}.sql`).sort());
    const queries = loadNamedQueries();
    expect(Object.fromEntries([...queries['area-vehicles'].params])).toEqual({
      interior_cells: 'Array(UInt64)',
      boundary_cells: 'Array(UInt64)',
      from: "DateTime64(3, 'UTC')",
      to: "DateTime64(3, 'UTC')",
      min_speed_kmh: 'Float64',
      vehicle_types: 'Array(String)',
      polygons: 'MultiPolygon',
      limit: 'UInt32',
      restrict_group: 'String',
      restrict_area: 'MultiPolygon',
    });
    expect(queries['districts-list'].params.size).toBe(0);
    expect(queries['area-vehicles'].sql).not.toContain('--');
  });

  it('refuses a file the API could not run as it is, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetlake-sql-'));
    const bad = (text: string) => {
      const file = join(dir, 'x.sql');
      writeFileSync(file, text);
      return () => readNamedQuery('heatmap', file);
    };
    expect(bad('SELECT 1; SELECT 2')).toThrow(/x\.sql: a named query holds exactly one statement, found 2/);
    expect(bad('INSERT INTO t VALUES (1)')).toThrow(/must be a SELECT/);
    expect(bad('SELECT 1 FORMAT CSV')).toThrow(/must not carry FORMAT or SETTINGS/);
    expect(bad('SELECT 1 SETTINGS max_threads = 1')).toThrow(/must not carry FORMAT or SETTINGS/);
    expect(bad('SELECT {a:UInt8} + {a:String}')).toThrow(/\{a\} is declared both as UInt8 and as String/);
    expect(bad('SELECT * FROM fleet.positions WHERE vehicle_id = {id:String}')).toThrow(/x\.sql: reads positions but does not apply the API key's restriction \{restrict_group, restrict_area\}/);
    expect(bad("SELECT * FROM fleet.latest_positions WHERE {restrict_group:String} = ''")).toThrow(/\{restrict_area\}/);
    expect(bad('SELECT 1; SELECT 2')).toThrow(expect.objectContaining({ code: 'NAMED_QUERY_INVALID', message: expect.stringContaining('docs/api.md, "Named SQL"') }));
  });
});

describe('named SQL runs unchanged through `fleetlake sql --file`', () => {
  let t: ApiTestLake;
  let cases: [QueryName, ParamValues][];
  const viaApi = new Map<QueryName, unknown[]>();

  beforeAll(async () => {
    t = await openApiTestLake({ vehicles: 30, hours: 3 });
    await createDeviceStore(t.lake.ch.client).put([{ device_id: '350000000000003', vehicle_id: 'v-00003', vehicle_type: 'van', enabled: true }], 'cli');
    const runner = createQueryRunner({ client: t.lake.ch.client, queries: loadNamedQueries(), budgetMs: 30_000, setReadonly: true });
    const { rows } = await runner.all<{ polygons: [number, number][][][] }>('district-get', { district_id: 'd06' });
    const district = rows[0]!.polygons;
    const cover = coverArea(district, 100_000);
    const box = { minLon: -73.62, minLat: 45.49, maxLon: -73.55, maxLat: 45.53 };
    const boxCover = coverArea([[bboxRing(box)]], 100_000);
    const period = { from: dateTimeParam(t.fromMs), to: dateTimeParam(t.toMs), restrict_group: '', restrict_area: '[]' };
    const unrestricted = { restrict_group: '', restrict_area: '[]' };
    cases = [
      ['area-vehicles', { polygons: multiPolygonParam(district), interior_cells: cellsParam(cover.interior), boundary_cells: cellsParam(cover.boundary), ...period, min_speed_kmh: '5', vehicle_types: "['van','car']", limit: '100' }],
      ['area-positions', { polygons: multiPolygonParam(district), interior_cells: cellsParam(cover.interior), boundary_cells: cellsParam(cover.boundary), ...period, min_speed_kmh: '5', vehicle_types: "['van','car']" }],
      ['area-vehicles-table', { vehicles: '[["v-00001","van","2025-03-03T07:00:00.000Z","2025-03-03T07:10:00.000Z",12,41.5]]' }],
      ['area-vehicles-rollup', {
        polygons: multiPolygonParam(district), interior_cells: cellsParam(cover.interior), boundary_cells: cellsParam(cover.boundary), ...period, min_speed_kmh: '5', vehicle_types: "['van','car']", limit: '100',
        moving_only: 'true', hour_from: bucketParam(t.fromMs + 3_600_000), hour_to: bucketParam(t.toMs), day_from: bucketParam(t.toMs), day_to: bucketParam(t.toMs),
      }],
      ['vehicle-track', { vehicle_id: 'v-00003', ...period, limit: '50' }],
      ['vehicles-latest', { since: dateTimeParam(0), min_lon: '-180', min_lat: '-90', max_lon: '180', max_lat: '90', vehicle_types: '[]', limit: '100', ...unrestricted }],
      ['districts-list', {}],
      ['devices-list', { online_since: dateTimeParam(t.toMs - 600_000), limit: '100', ...unrestricted }],
      ['district-get', { district_id: 'd06' }],
      ['district-count', { district_id: 'd06', at: dateTimeParam(t.toMs), lookback_ms: '300000', ...unrestricted }],
      ['district-occupancy', {
        polygons: multiPolygonParam(district), interior_cells: cellsParam(cover.interior), boundary_cells: cellsParam(cover.boundary),
        from: bucketParam(t.fromMs), to: bucketParam(t.toMs), step_s: '3600', ...unrestricted,
      }],
      ['heatmap', { ...period, resolution: '7', min_lon: String(box.minLon), min_lat: String(box.minLat), max_lon: String(box.maxLon), max_lat: String(box.maxLat), cells: cellsParam([...boxCover.interior, ...boxCover.boundary]), limit: '1000' }],
    ];
    expect(cases.map(([name]) => name).sort()).toEqual([...QUERY_NAMES].sort());
    for (const [name, params] of cases) viaApi.set(name, (await runner.all(name, params)).rows);
    // One process owns an embedded lake: hand it over to the CLI.
    await t.lake.ch.close();
  });
  afterAll(async () => t?.close());

  it('gives the same rows as the API runner for every file', async () => {
    for (const [name, params] of cases) {
      const args = ['sql', '--file', join(NAMED_SQL_DIR, `${name}.sql`), '--format', 'JSONEachRow', ...Object.entries(params).flatMap(([k, v]) => ['--param', `${k}=${v}`])];
      const { code, stdout: out } = await runFleetlake(args, { FLEETLAKE_DATA_DIR: t.lake.dataDir });
      expect(code, name).toBe(0);
      const rows = out.trimEnd().split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown);
      expect(rows.length, name).toBeGreaterThan(0);
      expect(rows, name).toEqual(viaApi.get(name));
    }
  });
});
