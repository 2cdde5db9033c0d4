import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../core/clickhouse.ts';
import { seededRandom } from './testing/seeded-random.ts';
import { openApiTestLake, type ApiTestLake } from './testing/api-lake.ts';
import { randomArea } from './testing/random-areas.ts';
import type { AreaVehicle } from './testing/brute-force-area.ts';

type Vehicle = AreaVehicle;

interface Answer {
  area: { district_id?: string; district_name?: string; vertices: number };
  vehicles: Vehicle[];
  truncated: boolean;
  stats: { rows_read: number; bytes_read: number; elapsed_ms: number; cover_ms: number; index: string; h3_cells: number; h3_boundary_cells: number; index_note?: string };
}

describe('POST /v1/area-query', () => {
  let t: ApiTestLake;
  let period: { from: string; to: string };

  const ask = async (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/v1/area-query', payload: { ...period, ...body }, headers });
  const answer = async (body: Record<string, unknown>) => {
    const response = await ask(body);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<Answer>();
  };

  beforeAll(async () => {
    t = await openApiTestLake({ vehicles: 120, hours: 3 });
    period = { from: new Date(t.fromMs + 3_600_000).toISOString(), to: new Date(t.fromMs + 7_200_000).toISOString() };
  });
  afterAll(async () => t?.close());

  it('answers a district with its vehicles in id order, their first/last time, positions and top speed, and what it cost', async () => {
    const body = await answer({ area: { district_id: 'd06' } });
    expect(body.area).toEqual({ district_id: 'd06', district_name: 'South-Centre West-Centre', vertices: 9 });
    expect(body.vehicles.length).toBeGreaterThan(3);
    const ids = body.vehicles.map((v) => v.vehicle_id);
    expect(ids).toEqual([...ids].sort());
    for (const v of body.vehicles) {
      expect(v.first_ts <= v.last_ts).toBe(true);
      expect(v.first_ts >= period.from && v.last_ts < period.to).toBe(true);
      expect(v.positions).toBeGreaterThan(0);
      expect(['bike', 'car', 'van', 'truck']).toContain(v.vehicle_type);
    }
    expect(body.truncated).toBe(false);
    const [total] = await queryRows<{ n: string }>(t.lake.ch.client, 'SELECT count() AS n FROM fleet.positions');
    expect(body.stats).toMatchObject({ index: 'h3' });
    expect(body.stats.rows_read).toBeGreaterThan(0);
    expect(body.stats.rows_read).toBeLessThan(Number(total!.n) / 2);
    expect(body.stats.bytes_read).toBeGreaterThan(0);
    expect(body.stats.elapsed_ms).toBeGreaterThanOrEqual(0);
    expect(body.stats.h3_cells).toBeGreaterThan(body.stats.h3_boundary_cells);
    expect(body.stats.h3_boundary_cells).toBeGreaterThan(0);
  });

  it('counts only moving positions unless moving_only is false', async () => {
    const moving = await answer({ area: { district_id: 'd06' } });
    const all = await answer({ area: { district_id: 'd06' }, moving_only: false });
    expect(moving.vehicles.every((v) => v.max_speed_kmh >= t.lake.config.api.moving_threshold_kmh)).toBe(true);
    const sum = (a: Answer) => a.vehicles.reduce((n, v) => n + v.positions, 0);
    expect(sum(all)).toBeGreaterThan(sum(moving));
    expect(all.vehicles.length).toBeGreaterThanOrEqual(moving.vehicles.length);
  });

  it('filters by vehicle type', async () => {
    const vans = await answer({ area: { district_id: 'd06' }, vehicle_types: ['van', 'truck'], moving_only: false });
    expect(vans.vehicles.length).toBeGreaterThan(0);
    expect(vans.vehicles.every((v) => v.vehicle_type === 'van' || v.vehicle_type === 'truck')).toBe(true);
  });

  it('cuts the answer at the limit and says it is truncated', async () => {
    const full = await answer({ area: { district_id: 'd06' } });
    const cut = await answer({ area: { district_id: 'd06' }, limit: 2 });
    expect(cut.vehicles).toEqual(full.vehicles.slice(0, 2));
    expect(cut.truncated).toBe(true);
    const exact = await answer({ area: { district_id: 'd06' }, limit: full.vehicles.length });
    expect(exact.truncated).toBe(false);
  });

  it('streams NDJSON for Accept: application/x-ndjson: one vehicle per line, then the summary line', async () => {
    const json = await answer({ area: { district_id: 'd06' }, limit: 3 });
    const response = await ask({ area: { district_id: 'd06' }, limit: 3 }, { accept: 'application/x-ndjson' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/x-ndjson');
    const lines = response.body.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.slice(0, -1)).toEqual(json.vehicles);
    expect(lines.at(-1)).toMatchObject({ truncated: true, stats: { index: 'h3', rows_read: json.stats.rows_read } });
  });

  it('accepts a GeoJSON Polygon or MultiPolygon and reads far less for a street than for the whole city', async () => {
    const random = seededRandom(1);
    const street = await answer({ area: randomArea(random, 'sliver', [-73.6, 45.52]).geometry, moving_only: false });
    const city = await answer({ area: randomArea(random, 'city', [-73.6, 45.52]).geometry, moving_only: false });
    const multi = await answer({ area: randomArea(random, 'multi', [-73.6, 45.52]).geometry, moving_only: false });
    expect(street.stats.rows_read).toBeLessThan(city.stats.rows_read / 5);
    expect(city.stats.h3_cells).toBeGreaterThan(1000);
    expect(city.vehicles.length).toBeGreaterThan(street.vehicles.length);
    expect(multi.area.vertices).toBeGreaterThan(8);
  });

  it('scans the period, and says so, when an area covers more cells than api.max_index_cells', async () => {
    const small = await t.buildApp({ max_index_cells: 5 });
    const response = await small.inject({ method: 'POST', url: '/v1/area-query', payload: { ...period, area: { district_id: 'd06' } } });
    const body = response.json<Answer>();
    expect(body.stats).toMatchObject({ index: 'scan', h3_cells: 0 });
    expect(body.stats.index_note).toContain('api.max_index_cells = 5');
    expect(body.vehicles).toEqual((await answer({ area: { district_id: 'd06' } })).vehicles);
  });
});
