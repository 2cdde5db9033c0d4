import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../core/logger.ts';
import { buildApp } from './app.ts';
import { openApiTestLake, type ApiTestLake } from './testing/api-lake.ts';

/** Every way a request can fail, with the code and a message naming what is wrong. */
describe('query API errors', () => {
  let t: ApiTestLake;
  const from = '2025-03-03T06:00:00Z';
  const to = '2025-03-03T07:00:00Z';
  const square = [[[-73.6, 45.5], [-73.59, 45.5], [-73.59, 45.51], [-73.6, 45.51], [-73.6, 45.5]]];

  const post = (body: unknown, app: FastifyInstance = t.app) => app.inject({ method: 'POST', url: '/v1/area-query', payload: body as Record<string, unknown> });
  const get = (url: string, app: FastifyInstance = t.app) => app.inject({ method: 'GET', url });
  const expectError = async (response: Promise<{ statusCode: number; json: <T>() => T; body: string }>, status: number, error: string, message: RegExp | string) => {
    const r = await response;
    expect(r.statusCode, r.body).toBe(status);
    const body = r.json<{ error: string; message: string }>();
    expect(body.error).toBe(error);
    if (typeof message === 'string') expect(body.message).toContain(message);
    else expect(body.message).toMatch(message);
  };

  beforeAll(async () => {
    t = await openApiTestLake({ vehicles: 60, hours: 2 });
  });
  afterAll(async () => t?.close());

  it('refuses invalid GeoJSON, naming the ring or point', async () => {
    const area = (coordinates: unknown, type = 'Polygon') => post({ area: { type, coordinates }, from, to });
    await expectError(area([[[-73.6, 45.5], [-73.59, 45.5], [-73.59, 45.51], [-73.6, 45.51]]]), 400, 'API_INVALID_AREA', 'area.coordinates[0] is not closed');
    await expectError(area([[[-73.6, 45.5], [-73.59, 45.5], [-73.6, 45.5]]]), 400, 'API_INVALID_AREA', 'area.coordinates[0] has 3 positions; a linear ring needs at least 4');
    await expectError(area([[[-273.6, 45.5], [-73.59, 45.5], [-73.59, 45.51], [-273.6, 45.5]]]), 400, 'API_INVALID_AREA', 'area.coordinates[0][0] longitude -273.6 is outside -180..180');
    await expectError(area([[[-73.6, 95.5], [-73.59, 45.5], [-73.59, 45.51], [-73.6, 95.5]]]), 400, 'API_INVALID_AREA', 'latitude 95.5 is outside -90..90');
    await expectError(area([square, [[[1, 2], [3, 4]]]], 'MultiPolygon'), 400, 'API_INVALID_AREA', 'area.coordinates[1][0] has 2 positions');
    await expectError(area(square, 'Point'), 400, 'API_BAD_REQUEST', 'area.type must be one of "Polygon", "MultiPolygon"');
    await expectError(post({ area: { coordinates: square }, from, to }), 400, 'API_INVALID_AREA', 'area must be a GeoJSON Polygon or MultiPolygon');
    await expectError(post({ area: { type: 'Polygon', coordinates: square, district_id: 'd01' }, from, to }), 400, 'API_INVALID_AREA', 'both a district_id and a geometry');
  });

  it('refuses a self-intersecting area with the point ClickHouse found', async () => {
    const bowTie = [[[-73.6, 45.5], [-73.59, 45.51], [-73.59, 45.5], [-73.6, 45.51], [-73.6, 45.5]]];
    await expectError(post({ area: { type: 'Polygon', coordinates: bowTie }, from, to }), 400, 'API_INVALID_AREA', /self-intersection/);
  });

  it('refuses an area with more vertices than api.max_vertices', async () => {
    const strict = await t.buildApp({ max_vertices: 4 });
    await expectError(post({ area: { type: 'Polygon', coordinates: square }, from, to }, strict), 400, 'API_TOO_MANY_VERTICES', 'area has 5 vertices; at most 4 are allowed (api.max_vertices)');
  });

  it('refuses bad periods: unordered, too long, not RFC 3339, missing', async () => {
    const area = { district_id: 'd01' };
    await expectError(post({ area, from: to, to: from }), 400, 'API_INVALID_PERIOD', 'to (2025-03-03T06:00:00Z) must be after from (2025-03-03T07:00:00Z)');
    await expectError(post({ area, from, to: from }), 400, 'API_INVALID_PERIOD', 'must be after from');
    await expectError(post({ area, from: '2015-01-01T00:00:00Z', to }), 400, 'API_PERIOD_TOO_LONG', 'spans 3714d 7h; at most 2556d 18h is allowed (api.max_period)');
    await expectError(post({ area, from: '2025-03-03 06:00', to }), 400, 'API_BAD_REQUEST', 'from must be an RFC 3339 date-time');
    await expectError(post({ area, from: '2025-03-03T06:00:00', to }), 400, 'API_BAD_REQUEST', 'from must be an RFC 3339 date-time');
    await expectError(post({ area, to }), 400, 'API_BAD_REQUEST', 'from is required');
  });

  it('answers 404 for an unknown district, in area queries and counts', async () => {
    await expectError(post({ area: { district_id: 'atlantis' }, from, to }), 404, 'API_DISTRICT_NOT_FOUND', 'district "atlantis" is not known; GET /v1/districts lists them');
    await expectError(get('/v1/districts/atlantis/count'), 404, 'API_DISTRICT_NOT_FOUND', 'atlantis');
  });

  it('refuses limits above the cap and below 1, unknown fields and malformed bodies', async () => {
    const area = { district_id: 'd01' };
    await expectError(post({ area, from, to, limit: 10_001 }), 400, 'API_LIMIT_TOO_HIGH', 'limit 10001 is above the cap of 10000 (api.max_limit)');
    await expectError(post({ area, from, to, limit: 0 }), 400, 'API_BAD_REQUEST', 'limit must be >= 1');
    await expectError(post({ area, from, to, vehicle_type: ['van'] }), 400, 'API_BAD_REQUEST', 'unknown field vehicle_type in the body');
    await expectError(post({ area, from, to, vehicle_types: ['Van!'] }), 400, 'API_BAD_REQUEST', 'vehicle_types.0 must match pattern');
    const malformed = await t.app.inject({ method: 'POST', url: '/v1/area-query', payload: '{"area": ', headers: { 'content-type': 'application/json' } });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ error: 'API_BAD_REQUEST' });
  });

  it('refuses bad track, latest, heatmap and count requests, naming the parameter', async () => {
    const period = `from=${from}&to=${to}`;
    await expectError(get(`/v1/vehicles/not%20an%20id/track?${period}`), 400, 'API_BAD_REQUEST', 'id must match pattern');
    await expectError(get(`/v1/vehicles/v-00001/track?${period}&format=kml`), 400, 'API_BAD_REQUEST', 'format must be one of "geojson", "ndjson", "csv", "parquet"');
    await expectError(get(`/v1/vehicles/v-00001/track?${period}&limit=100001`), 400, 'API_LIMIT_TOO_HIGH', 'above the cap of 100000 (api.max_track_points)');
    await expectError(get(`/v1/vehicles/v-00001/track?from=${from}`), 400, 'API_BAD_REQUEST', 'to is required');
    await expectError(get('/v1/vehicles/latest?bbox=1,2,3'), 400, 'API_BAD_REQUEST', 'bbox must match pattern');
    await expectError(get('/v1/vehicles/latest?bbox=-73,45,-74,46'), 400, 'API_BAD_REQUEST', 'bbox -73,45,-74,46: give min_lon,min_lat,max_lon,max_lat');
    await expectError(get('/v1/vehicles/latest?bbox=-73,45,-72,96'), 400, 'API_BAD_REQUEST', 'latitudes must be within -90..90');
    await expectError(get('/v1/vehicles/latest?max_age=ten%20minutes'), 400, 'API_BAD_REQUEST', 'max_age "ten minutes" is not a duration');
    await expectError(get('/v1/vehicles/latest?colour=red'), 400, 'API_BAD_REQUEST', 'unknown field colour in the querystring');
    await expectError(get(`/v1/heatmap?${period}&resolution=9`), 400, 'API_BAD_REQUEST', 'resolution must be <= 8');
    await expectError(get('/v1/districts/d01/count?ts=yesterday'), 400, 'API_BAD_REQUEST', 'ts must be an RFC 3339 date-time');
    await expectError(get('/v1/nowhere'), 404, 'API_NOT_FOUND', 'no route GET /v1/nowhere');
  });

  it('refuses with 422 and the estimate, before running it, a query that would not fit its time budget', async () => {
    // Read rates this slow make any real read past the 1 ms budget, whatever the test lake's size.
    const tight = await t.buildApp({ query_timeout: '1ms', read_rows_per_second: 1000, rollup_rows_per_second: 1000 });
    const city = [[[-73.9, 45.3], [-73.3, 45.3], [-73.3, 45.8], [-73.9, 45.8], [-73.9, 45.3]]];
    await expectError(
      post({ area: { type: 'Polygon', coordinates: city }, from, to: '2025-03-03T08:00:00Z', moving_only: false }, tight),
      422,
      'API_QUERY_TOO_LARGE',
      /^the area-vehicles(-rollup)? query would read about [\d,]+ rows \(fleet\.\w+ [\d,]+.*\): about [^,]+ at this deployment's read rates .* past its time budget of 1ms \(api\.query_timeout\)\. Ask for a smaller area or a shorter period/,
    );
    const metrics = await get('/metrics', tight);
    expect(metrics.body).not.toContain('fleetlake_api_query_timeouts_total{');
    const relaxed = await post({ area: { type: 'Polygon', coordinates: city }, from, to: '2025-03-03T08:00:00Z', moving_only: false });
    expect(relaxed.statusCode).toBe(200);
    // Everything this small lake holds for the period fits the budget: the index is not asked (queries/period-bound.ts).
    const stats = relaxed.json<{ stats: { estimated_ms: number; estimate_from: string; reads?: unknown } }>().stats;
    expect(stats.estimated_ms).toBeGreaterThan(0);
    expect(stats.estimate_from).toBe('period');
    expect(stats.reads).toBeUndefined();
  });

  it('cancels a query past its time budget in ClickHouse and answers 504', async () => {
    // Read rates high enough that the estimate lets the query start: the budget then ends it in ClickHouse.
    const hurried = await t.buildApp({ query_timeout: '0.001ms', read_rows_per_second: 1e12, rollup_rows_per_second: 1e12 });
    const city = [[[-73.9, 45.3], [-73.3, 45.3], [-73.3, 45.8], [-73.9, 45.8], [-73.9, 45.3]]];
    await expectError(
      post({ area: { type: 'Polygon', coordinates: city }, from, to: '2025-03-03T08:00:00Z', moving_only: false }, hurried),
      504,
      'API_QUERY_TIMEOUT',
      'the area-vehicles-rollup query ran past its time budget of 0.001ms (api.query_timeout) and ClickHouse cancelled it',
    );
    const metrics = await get('/metrics', hurried);
    expect(metrics.body).toContain('fleetlake_api_query_timeouts_total{query="area-vehicles-rollup"} 1');
  });

  it('answers 503 naming the missing table when the schema is not there', async () => {
    await t.lake.ch.client.command({ query: 'RENAME TABLE fleet.districts TO fleet.districts_away' });
    try {
      await expectError(get('/v1/districts'), 503, 'API_SCHEMA_MISSING', 'run `fleetlake migrate` first');
    } finally {
      await t.lake.ch.client.command({ query: 'RENAME TABLE fleet.districts_away TO fleet.districts' });
    }
  });

  it('runs on a read-only client (readonly = 2), leaving readonly out of its own settings', async () => {
    const readonlyApp = await buildApp({ clickhouse: { client: t.lake.ch.reader, mode: 'embedded' }, config: t.lake.config, logger: createSilentLogger() });
    try {
      expect((await post({ area: { district_id: 'd01' }, from, to }, readonlyApp)).statusCode).toBe(200);
      expect((await get('/v1/districts/d01/count', readonlyApp)).statusCode).toBe(200);
    } finally {
      await readonlyApp.close();
    }
  });

  it('reports ClickHouse unreachable on /health and 503 on queries', async () => {
    await t.lake.ch.close();
    const health = await get('/health');
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({ status: 'unavailable', clickhouse: { reachable: false, mode: 'embedded' } });
    await expectError(post({ area: { district_id: 'd01' }, from, to }), 503, 'CLICKHOUSE_UNAVAILABLE', 'ClickHouse is unavailable');
  });
});
