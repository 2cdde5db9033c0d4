import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../core/clickhouse.ts';
import { dateTimeParam, rfc3339FromClickHouse } from './param-text.ts';
import { backfillMessages } from '../generator/index.ts';
import { openApiTestLake, type ApiTestLake } from './testing/api-lake.ts';

const iso = (ms: number) => new Date(ms).toISOString();

describe('query API endpoints', () => {
  let t: ApiTestLake;
  const get = (url: string) => t.app.inject({ method: 'GET', url });

  beforeAll(async () => {
    t = await openApiTestLake({ vehicles: 80, hours: 2 });
  });
  afterAll(async () => t?.close());

  describe('GET /v1/vehicles/{id}/track', () => {
    const window = () => `from=${iso(t.fromMs)}&to=${iso(t.fromMs + 600_000)}`;
    interface TrackPoint { ts: string; lat: number; lon: number; speed_kmh: number; heading_deg: number; vehicle_type: string }
    /** Brute force over what was inserted: every generated position of v-00007 in the window, in time order. */
    const expectedTrack = (): TrackPoint[] =>
      [...backfillMessages(t.generated)]
        .map((m) => JSON.parse(m.value) as TrackPoint & { vehicle_id: string })
        .filter((p) => p.vehicle_id === 'v-00007' && Date.parse(p.ts) >= t.fromMs && Date.parse(p.ts) < t.fromMs + 600_000)
        .sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts))
        .map(({ vehicle_id: _, ...p }) => p);
    /** The stored columns keep 6 decimals of degrees, 1 of km/h and whole degrees of heading: closer than that is the same point. */
    const sameValues = (got: readonly number[], want: readonly number[], within: number) =>
      got.length === want.length && got.every((g, i) => Math.abs(g - want[i]!) <= within);
    const sameHeadings = (got: readonly number[], want: readonly number[]) =>
      got.length === want.length && got.every((g, i) => Math.min(Math.abs(g - want[i]!), 360 - Math.abs(g - want[i]!)) <= 1);
    const expectSameTrack = (got: readonly TrackPoint[], want: readonly TrackPoint[]) => {
      expect(got.map((p) => p.ts)).toEqual(want.map((p) => p.ts));
      expect(got.map((p) => p.vehicle_type)).toEqual(want.map((p) => p.vehicle_type));
      expect(sameValues(got.map((p) => p.lat), want.map((p) => p.lat), 1e-6)).toBe(true);
      expect(sameValues(got.map((p) => p.lon), want.map((p) => p.lon), 1e-6)).toBe(true);
      expect(sameValues(got.map((p) => p.speed_kmh), want.map((p) => p.speed_kmh), 0.1)).toBe(true);
      expect(sameHeadings(got.map((p) => p.heading_deg), want.map((p) => p.heading_deg))).toBe(true);
    };

    it('gives GeoJSON: a LineString in time order with per-point ts, speed and heading', async () => {
      const response = await get(`/v1/vehicles/v-00007/track?${window()}`);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('application/geo+json');
      const want = expectedTrack();
      expect(want.length).toBeGreaterThan(10);
      const feature = response.json<{
        type: string;
        geometry: { type: string; coordinates: [number, number][] };
        properties: { coordinate_properties: { ts: string[]; speed_kmh: number[]; heading_deg: number[] } } & Record<string, unknown>;
      }>();
      const { coordinate_properties: perPoint, ...properties } = feature.properties;
      expect([feature.type, feature.geometry.type]).toEqual(['Feature', 'LineString']);
      expect(properties).toEqual({ vehicle_id: 'v-00007', vehicle_type: want[0]!.vehicle_type, from: iso(t.fromMs), to: iso(t.fromMs + 600_000), points: want.length, truncated: false });
      const got = feature.geometry.coordinates.map(([lon, lat], i) => ({
        ts: perPoint.ts[i]!, lat, lon, speed_kmh: perPoint.speed_kmh[i]!, heading_deg: perPoint.heading_deg[i]!, vehicle_type: want[0]!.vehicle_type,
      }));
      expect(perPoint.ts).toHaveLength(got.length);
      expectSameTrack(got, want);
    });

    it('keeps the earliest points up to the limit, says truncated, and degrades to a Point or null geometry', async () => {
      const cut = (await get(`/v1/vehicles/v-00007/track?${window()}&limit=1`)).json<{ geometry: unknown; properties: { points: number; truncated: boolean } }>();
      expect(cut.geometry).toMatchObject({ type: 'Point' });
      expect(cut.properties).toMatchObject({ points: 1, truncated: true });
      const none = (await get(`/v1/vehicles/nobody/track?${window()}`)).json<{ geometry: unknown; properties: { points: number } }>();
      expect(none.geometry).toBeNull();
      expect(none.properties.points).toBe(0);
    });

    it('gives NDJSON, CSV and Parquet with the same points', async () => {
      const rows = expectedTrack();
      const ndjson = await get(`/v1/vehicles/v-00007/track?${window()}&format=ndjson`);
      expect(ndjson.headers['content-type']).toContain('application/x-ndjson');
      const points = ndjson.body.trimEnd().split('\n').map((l) => JSON.parse(l) as TrackPoint);
      expect(points.map((p) => Object.keys(p))).toEqual(rows.map(() => ['ts', 'lat', 'lon', 'speed_kmh', 'heading_deg', 'vehicle_type']));
      expectSameTrack(points, rows);
      const csv = await get(`/v1/vehicles/v-00007/track?${window()}&format=csv`);
      expect(csv.headers['content-type']).toContain('text/csv');
      expect(csv.headers['content-disposition']).toBe('attachment; filename="v-00007-track.csv"');
      const lines = csv.body.trimEnd().split('\n');
      expect(lines[0]).toBe('"ts","lat","lon","speed_kmh","heading_deg","vehicle_type"');
      expect(lines).toHaveLength(rows.length + 1);
      const parquet = await get(`/v1/vehicles/v-00007/track?${window()}&format=parquet`);
      expect(parquet.headers['content-type']).toBe('application/vnd.apache.parquet');
      expect(parquet.rawPayload.subarray(0, 4).toString()).toBe('PAR1');
    });
  });

  it('GET /v1/vehicles/latest gives each vehicle\'s last position, filtered by box, type and age', async () => {
    const latest = await queryRows<{ vehicle_id: string; ts: string; lat: number; lon: number; vehicle_type: string }>(
      t.lake.ch.client,
      `SELECT vehicle_id, max(p.ts) AS ts, toFloat64(argMax(p.lat, p.ts)) AS lat, toFloat64(argMax(p.lon, p.ts)) AS lon, argMax(p.vehicle_type, p.ts) AS vehicle_type
       FROM fleet.positions AS p GROUP BY vehicle_id ORDER BY vehicle_id`,
    );
    const all = (await get('/v1/vehicles/latest?limit=1000')).json<{ as_of: string; vehicles: { vehicle_id: string; ts: string; lat: number; lon: number }[]; truncated: boolean }>();
    expect(all.as_of).toBe(iso(t.nowMs));
    expect(all.truncated).toBe(false);
    expect(all.vehicles.map((v) => [v.vehicle_id, v.ts, v.lat, v.lon])).toEqual(latest.map((v) => [v.vehicle_id, rfc3339FromClickHouse(v.ts), v.lat, v.lon]));

    const box = [-73.62, 45.48, -73.55, 45.55];
    const inBox = latest.filter((v) => v.lon >= box[0]! && v.lon <= box[2]! && v.lat >= box[1]! && v.lat <= box[3]! && (v.vehicle_type === 'van' || v.vehicle_type === 'car'));
    const filtered = (await get(`/v1/vehicles/latest?bbox=${box.join(',')}&vehicle_types=van,car`)).json<{ vehicles: { vehicle_id: string }[] }>();
    expect(filtered.vehicles.map((v) => v.vehicle_id)).toEqual(inBox.map((v) => v.vehicle_id));

    // The clock is a minute past the data: a 30 s age leaves nobody, 5 minutes everybody.
    expect((await get('/v1/vehicles/latest?max_age=30s')).json<{ vehicles: unknown[] }>().vehicles).toEqual([]);
    expect((await get('/v1/vehicles/latest?max_age=5m&limit=1000')).json<{ vehicles: unknown[] }>().vehicles).toHaveLength(latest.length);
    expect((await get('/v1/vehicles/latest?limit=3')).json()).toMatchObject({ truncated: true });
  });

  it('GET /v1/districts lists the districts with GeoJSON outlines', async () => {
    const body = (await get('/v1/districts')).json<{ districts: { id: string; name: string; geometry: { type: string; coordinates: number[][][][] } }[] }>();
    expect(body.districts.map((d) => d.id)).toEqual(Array.from({ length: 16 }, (_, i) => `d${String(i + 1).padStart(2, '0')}`));
    expect(body.districts[0]).toMatchObject({ name: 'South West', geometry: { type: 'MultiPolygon' } });
    expect(body.districts[0]!.geometry.coordinates[0]![0]![0]).toEqual([-73.76, 45.42]);
  });

  it('GET /v1/districts/{id}/count counts vehicles whose last position in the look-back window is inside', async () => {
    const at = t.fromMs + 3_600_000;
    // Brute force for every district; the busiest one is checked, so the count compared is not a trivial zero.
    const [expected] = await queryRows<{ id: string; name: string; inside: string; seen: string }>(
      t.lake.ch.client,
      `SELECT d.id AS id, d.name AS name, countIf(pointInPolygon(p, d.polygons)) AS inside, count() AS seen
       FROM (SELECT vehicle_id, argMax((toFloat64(lon), toFloat64(lat)), ts) AS p FROM fleet.positions
             WHERE ts > {at:DateTime64(3, 'UTC')} - INTERVAL 5 MINUTE AND ts <= {at:DateTime64(3, 'UTC')} GROUP BY vehicle_id) AS last
       CROSS JOIN fleet.districts AS d
       GROUP BY d.id, d.name ORDER BY inside DESC, id LIMIT 1`,
      { at: dateTimeParam(at) },
    );
    expect(Number(expected!.inside)).toBeGreaterThan(0);
    expect(Number(expected!.seen)).toBe(80);
    const body = (await get(`/v1/districts/${expected!.id}/count?ts=${iso(at)}`)).json<Record<string, unknown>>();
    expect(body).toEqual({ district_id: expected!.id, name: expected!.name, ts: iso(at), lookback: '5m', vehicles: Number(expected!.inside), vehicles_seen: 80 });
    // Without ts it is now: a minute after the data, so within the 5-minute window.
    expect((await get(`/v1/districts/${expected!.id}/count`)).json()).toMatchObject({ ts: iso(t.nowMs), vehicles_seen: 80 });
  });

  it('GET /v1/heatmap counts positions and vehicles per cell, at coarser resolutions and inside a box', async () => {
    const period = `from=${iso(t.fromMs)}&to=${iso(t.fromMs + 1_800_000)}`;
    const expected = await queryRows<{ cell: string; positions: string; vehicles: string }>(
      t.lake.ch.client,
      `SELECT h3ToString(h3ToParent(h3_cell, 7)) AS cell, count() AS positions, uniqExact(vehicle_id) AS vehicles FROM fleet.positions
       WHERE ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')} GROUP BY cell ORDER BY cell`,
      { from: dateTimeParam(t.fromMs), to: dateTimeParam(t.fromMs + 1_800_000) },
    );
    const body = (await get(`/v1/heatmap?${period}&resolution=7&limit=10000`)).json<{ resolution: number; cells: unknown[]; truncated: boolean; stats: { index: string } }>();
    expect(body.resolution).toBe(7);
    expect(body.cells).toEqual(expected.map((c) => ({ cell: c.cell, positions: Number(c.positions), vehicles: Number(c.vehicles) })));
    expect(body.stats.index).toBe('scan');

    const boxed = (await get(`/v1/heatmap?${period}&bbox=-73.62,45.49,-73.55,45.53&limit=10000`)).json<{ cells: { cell: string; positions: number }[]; stats: { index: string; h3_cells: number } }>();
    const [inBox] = await queryRows<{ n: string }>(
      t.lake.ch.client,
      `SELECT count() AS n FROM fleet.positions WHERE ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')}
       AND toFloat64(lon) BETWEEN -73.62 AND -73.55 AND toFloat64(lat) BETWEEN 45.49 AND 45.53`,
      { from: dateTimeParam(t.fromMs), to: dateTimeParam(t.fromMs + 1_800_000) },
    );
    expect(boxed.cells.reduce((n, c) => n + c.positions, 0)).toBe(Number(inBox!.n));
    expect(boxed.cells.every((c) => c.cell.startsWith('88'))).toBe(true);
    expect(boxed.stats).toMatchObject({ index: 'h3' });
    expect((await get(`/v1/heatmap?${period}&limit=2`)).json()).toMatchObject({ truncated: true });
  });

  it('GET /map serves the page with its settings, and the script, styles, live-stream worker and MapLibre worker it loads, from the project\'s own files', async () => {
    const page = await get('/map');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const config = JSON.parse(/<script id="page-config" type="application\/json">(.*?)<\/script>/.exec(page.body)![1]!) as Record<string, unknown>;
    expect(config).toEqual({ styleUrl: '', staleAfterMs: 120_000, movingThresholdKmh: 5, maxPeriodMs: 7 * 365.25 * 86_400_000, vehicleTypes: ['bike', 'car', 'van', 'truck'] });
    expect(page.body).not.toMatch(/https?:\/\//);
    const script = await get('/map/app.js');
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body).toContain('/map/maplibre-gl-worker.mjs');
    expect(script.body).toContain('/map/live-worker.js');
    const worker = await get('/map/live-worker.js');
    expect(worker.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(worker.body).toContain('snapshot');
    expect((await get('/map/app.css')).body).toContain('.maplibregl-map');
    expect((await get('/map/maplibre-gl-worker.mjs')).statusCode).toBe(200);
  });

  it('GET /health reports liveness and ClickHouse reachability', async () => {
    const response = await get('/health');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ok', clickhouse: { reachable: true, mode: 'embedded' } });
  });

  it('GET /metrics exposes request latency by route and rows read by named query', async () => {
    await get('/v1/districts');
    const body = (await get('/metrics')).body;
    expect(body).toContain('fleetlake_api_request_seconds_count{route="/v1/districts",status="200"}');
    expect(body).toMatch(/fleetlake_api_query_rows_read_total\{query="districts-list"\} [1-9]/);
  });

  it('publishes OpenAPI 3 at /openapi.json with every route and its schemas, and swagger-ui at /docs', async () => {
    const doc = (await get('/openapi.json')).json<{ openapi: string; paths: Record<string, Record<string, { requestBody?: unknown; parameters?: unknown[]; responses: Record<string, unknown> }>>; components: { schemas: Record<string, unknown> } }>();
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/health',
      '/metrics',
      '/v1/area-query',
      '/v1/area-query/positions',
      '/v1/devices',
      '/v1/devices/{id}',
      '/v1/devices/{id}/commands',
      '/v1/devices/{id}/commands/{commandId}',
      '/v1/districts',
      '/v1/districts/{id}/count',
      '/v1/districts/{id}/occupancy',
      '/v1/heatmap',
      '/v1/keys',
      '/v1/live',
      '/v1/vehicles/latest',
      '/v1/vehicles/{id}',
      '/v1/vehicles/{id}/erasure',
      '/v1/vehicles/{id}/track',
    ]);
    expect(doc.paths['/v1/area-query']!.post!.requestBody).toBeDefined();
    expect(Object.keys(doc.paths['/v1/area-query']!.post!.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '504']));
    expect(doc.components.schemas.ApiError).toBeDefined();
    const docs = await get('/docs');
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger-ui');
  });
});
