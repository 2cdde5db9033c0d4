import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClickHouseHttp, type ClickHouseHttpEndpoint } from '../allinone/clickhouse-http.ts';
import { openClickHouse, queryRows, type ClickHouse } from '../core/clickhouse.ts';
import type { MultiPolygonCoords } from '../core/geojson.ts';
import { loadConfig } from '../core/config.ts';
import { createSilentLogger } from '../core/logger.ts';
import { buildApp } from './app.ts';
import { dateTimeParam, multiPolygonParam } from './param-text.ts';
import { openApiTestLake, type ApiTestLake } from './testing/api-lake.ts';
import { randomArea } from './testing/random-areas.ts';
import { seededRandom } from './testing/seeded-random.ts';

/** A position as every format gives it once ClickHouse has read it back: times as epoch milliseconds. */
interface Position {
  vehicle_id: string;
  ts_ms: string;
  lat: number;
  lon: number;
  speed_kmh: number;
  heading_deg: number;
  vehicle_type: string;
}

const COLUMNS = "vehicle_id, toString(toUnixTimestamp64Milli(ts)) AS ts_ms, toFloat64(lat) AS lat, toFloat64(lon) AS lon, toFloat64(speed_kmh) AS speed_kmh, toUInt16(heading_deg) AS heading_deg, toString(vehicle_type) AS vehicle_type";
const FILE_FORMATS = { ndjson: 'JSONEachRow', csv: 'CSVWithNames', parquet: 'Parquet', arrow: 'ArrowStream' } as const;

/**
 * POST /v1/area-query/positions against brute force: every stored position
 * tested with pointInPolygon by ClickHouse itself, ordered by vehicle and
 * time. Each format's bytes are decoded independently of the route, by
 * ClickHouse reading the file back (file(…, Parquet) and so on).
 */
describe('POST /v1/area-query/positions', () => {
  let t: ApiTestLake;
  let from: string;
  let to: string;
  const files = mkdtempSync(join(tmpdir(), 'fleetlake-positions-'));

  const ask = (app: FastifyInstance, body: Record<string, unknown>, options: { accept?: string; query?: string } = {}) =>
    app.inject({
      method: 'POST',
      url: `/v1/area-query/positions${options.query ?? ''}`,
      payload: { from, to, ...body },
      headers: options.accept ? { accept: options.accept } : {},
    });

  /** Brute force: every position of the period, tested one by one. */
  const bruteForce = (polygons: MultiPolygonCoords, filters: { minSpeed?: number; types?: string[] } = {}) =>
    queryRows<Position>(
      t.lake.ch.client,
      `SELECT ${COLUMNS} FROM fleet.positions
       WHERE ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')}
         AND pointInPolygon((toFloat64(lon), toFloat64(lat)), {polygons:MultiPolygon})
         AND toFloat64(speed_kmh) >= {min_speed:Float64}
         AND (empty({types:Array(String)}) OR vehicle_type IN {types:Array(String)})
       ORDER BY vehicle_id, ts`,
      { from: dateTimeParam(Date.parse(from)), to: dateTimeParam(Date.parse(to)), polygons: multiPolygonParam(polygons), min_speed: filters.minSpeed ?? 0, types: filters.types ?? [] },
    );

  /** The answer's bytes, read back by ClickHouse from a file in the given format. */
  const decode = async (response: LightMyRequestResponse, format: keyof typeof FILE_FORMATS) => {
    const file = join(files, `answer-${format}-${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, response.rawPayload);
    if (response.rawPayload.length === 0) return [];
    return queryRows<Position>(t.lake.ch.client, `SELECT ${COLUMNS} FROM file({file:String}, ${FILE_FORMATS[format]})`, { file });
  };

  beforeAll(async () => {
    t = await openApiTestLake({ vehicles: 60, hours: 2 });
    from = new Date(t.fromMs + 1_800_000).toISOString();
    to = new Date(t.fromMs + 3_600_000).toISOString();
  });
  afterAll(async () => {
    await t?.close();
    rmSync(files, { recursive: true, force: true });
  });

  it('gives in every format exactly the positions pointInPolygon finds, ordered by vehicle then time', async () => {
    const random = seededRandom(20);
    for (const kind of ['holed', 'multi', 'star'] as const) {
      const area = randomArea(random, kind, [-73.6, 45.52]);
      const expected = await bruteForce(area.polygons);
      expect(expected.length, kind).toBeGreaterThan(5);
      for (const format of ['ndjson', 'csv', 'parquet', 'arrow'] as const) {
        const response = await ask(t.app, { area: area.geometry, moving_only: false }, { query: `?format=${format}` });
        expect(response.statusCode, response.body).toBe(200);
        expect(await decode(response, format), `${kind} ${format}`).toEqual(expected);
      }
    }
  });

  it('applies moving only and vehicle types as POST /v1/area-query does, and sums up to its answer', async () => {
    const district = (await t.app.inject({ method: 'GET', url: '/v1/districts' })).json<{ districts: { id: string; geometry: { coordinates: MultiPolygonCoords } }[] }>();
    const d06 = district.districts.find((d) => d.id === 'd06')!.geometry.coordinates;
    const body = { area: { district_id: 'd06' }, vehicle_types: ['van', 'car'] };
    const expected = await bruteForce(d06, { minSpeed: t.lake.config.api.moving_threshold_kmh, types: ['van', 'car'] });
    expect(expected.length).toBeGreaterThan(20);
    const response = await ask(t.app, body);
    expect(response.headers['content-type']).toBe('application/x-ndjson');
    expect(await decode(response, 'ndjson')).toEqual(expected);

    const summary = (await t.app.inject({ method: 'POST', url: '/v1/area-query', payload: { from, to, ...body, limit: 10_000 } })).json<{ vehicles: { vehicle_id: string; positions: number }[] }>();
    const counts = new Map<string, number>();
    for (const p of expected) counts.set(p.vehicle_id, (counts.get(p.vehicle_id) ?? 0) + 1);
    expect(summary.vehicles.map((v) => [v.vehicle_id, v.positions])).toEqual([...counts]);
  });

  it('picks the format from Accept, names downloads, and refuses what it cannot give with a coded error', async () => {
    const area = { district_id: 'd06' };
    const byAccept = async (accept: string) => (await ask(t.app, { area }, { accept })).headers['content-type'];
    expect(await byAccept('text/csv')).toBe('text/csv; charset=utf-8');
    expect(await byAccept('application/vnd.apache.parquet')).toBe('application/vnd.apache.parquet');
    expect(await byAccept('application/vnd.apache.arrow.stream')).toBe('application/vnd.apache.arrow.stream');
    expect(await byAccept('text/html;q=0.9, application/vnd.apache.parquet;q=0.5, */*;q=0.1')).toBe('application/vnd.apache.parquet');
    expect(await byAccept('*/*')).toBe('application/x-ndjson');
    // ?format= wins over Accept.
    const csv = await ask(t.app, { area }, { accept: 'application/vnd.apache.parquet', query: '?format=csv' });
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="area-positions.csv"');
    expect(csv.body.split('\n')[0]).toBe('"vehicle_id","ts","lat","lon","speed_kmh","heading_deg","vehicle_type"');

    const refused = await ask(t.app, { area }, { accept: 'image/png, application/json' });
    expect(refused.statusCode).toBe(406);
    expect(refused.json()).toMatchObject({ error: 'API_NOT_ACCEPTABLE', message: expect.stringContaining('?format=ndjson|csv|parquet|arrow') as unknown });
    const unknown = await ask(t.app, { area }, { query: '?format=xml' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: 'API_BAD_REQUEST', message: expect.stringContaining('"ndjson", "csv", "parquet", "arrow"') as unknown });
  });

  it('refuses a period over api.max_period and a bad area as POST /v1/area-query does', async () => {
    const long = await t.app.inject({ method: 'POST', url: '/v1/area-query/positions', payload: { area: { district_id: 'd06' }, from: '2015-01-01T00:00:00Z', to: '2025-03-01T00:00:00Z' } });
    expect(long.statusCode).toBe(400);
    expect(long.json()).toMatchObject({ error: 'API_PERIOD_TOO_LONG' });
    const nowhere = await ask(t.app, { area: { district_id: 'd99' } });
    expect(nowhere.json()).toMatchObject({ error: 'API_DISTRICT_NOT_FOUND' });
    const extra = await ask(t.app, { area: { district_id: 'd06' }, limit: 5 });
    expect(extra.json()).toMatchObject({ error: 'API_BAD_REQUEST', message: 'unknown field limit in the body' });
  });

  it('refuses with 422 and the estimate, before streaming anything, an export past the time budget', async () => {
    const tight = await t.buildApp({ query_timeout: '1ms', read_rows_per_second: 1000 });
    try {
      const city = [[[-73.9, 45.3], [-73.3, 45.3], [-73.3, 45.8], [-73.9, 45.8], [-73.9, 45.3]]];
      const refused = await ask(tight, { area: { type: 'Polygon', coordinates: city } });
      expect(refused.statusCode, refused.body).toBe(422);
      expect(refused.json()).toMatchObject({ error: 'API_QUERY_TOO_LARGE', message: expect.stringContaining('export the period in parts') as unknown });
    } finally {
      await tight.close();
    }
  });

  describe('over ClickHouse HTTP (server mode)', () => {
    let endpoint: ClickHouseHttpEndpoint;
    let remote: ClickHouse;
    let app: FastifyInstance;

    beforeAll(async () => {
      endpoint = await startClickHouseHttp(t.lake.ch.client, { port: 0 });
      const config = loadConfig({ env: { CLICKHOUSE_URL: endpoint.url } });
      remote = openClickHouse(config);
      app = await buildApp({ clickhouse: remote, config, logger: createSilentLogger(), now: () => t.nowMs });
    });
    afterAll(async () => {
      await app?.close();
      await remote?.close();
      await endpoint?.close();
    });

    it('gives the same positions in every format as the embedded engine', async () => {
      const area = randomArea(seededRandom(3), 'star', [-73.6, 45.52]);
      for (const format of ['ndjson', 'csv', 'parquet', 'arrow'] as const) {
        const local = await ask(t.app, { area: area.geometry }, { query: `?format=${format}` });
        const served = await ask(app, { area: area.geometry }, { query: `?format=${format}` });
        expect(served.statusCode, served.body).toBe(200);
        expect(await decode(served, format), format).toEqual(await decode(local, format));
        expect((await decode(served, format)).length).toBeGreaterThan(0);
      }
    });
  });
});
