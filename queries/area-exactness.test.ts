import { cellToBoundary, gridDisk, latLngToCell } from 'h3-js';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../core/clickhouse.ts';
import { loadDistricts } from '../core/districts.ts';
import type { MultiPolygonCoords } from '../core/geojson.ts';
import { seededRandom, type SeededRandom } from './testing/seeded-random.ts';
import { dateTimeParam } from './param-text.ts';
import { askAreaApi, bruteForceArea, type AreaCase, type AreaVehicle } from './testing/brute-force-area.ts';
import { findMisassignedPoint, slabAgainstEdge } from './testing/adversarial.ts';
import { openApiTestLake, type ApiTestLake } from './testing/api-lake.ts';
import { AREA_KINDS, randomArea, type AreaKind } from './testing/random-areas.ts';

/**
 * The heart of the query API: for many random areas and periods, the answer
 * must equal a brute-force computation that tests every stored position of
 * the period with pointInPolygon and uses no H3 cell at all.
 */

type Vehicle = AreaVehicle;
type Case = AreaCase;

const THRESHOLD_KMH = 5;
const VEHICLE_TYPES = ['bike', 'car', 'van', 'truck'];

const bruteForce = (t: ApiTestLake, c: Case) => bruteForceArea(t.lake.ch.client, c, THRESHOLD_KMH);

async function viaApi(app: FastifyInstance, area: unknown, c: Case): Promise<{ vehicles: Vehicle[]; stats: { rows_read: number; index: string } }> {
  const body = await askAreaApi<{ rows_read: number; index: string }>(app, area, c);
  expect(body.truncated).toBe(false);
  return { vehicles: body.vehicles, stats: body.stats };
}

function randomCase(t: ApiTestLake, random: SeededRandom, polygons: MultiPolygonCoords): Case {
  const span = t.toMs - t.fromMs;
  // Mostly short periods (the index prunes by hour too), sometimes the whole lake.
  const length = random.float() < 0.2 ? span : Math.max(60_000, Math.floor(random.float() * random.float() * span));
  const fromMs = t.fromMs - 60_000 + Math.floor(random.float() * (span - length + 120_000));
  const types = random.float() < 0.25 ? VEHICLE_TYPES.filter(() => random.float() < 0.5) : [];
  return { polygons, fromMs, toMs: fromMs + length, movingOnly: random.float() < 0.5, types };
}

describe('area queries are exact', () => {
  let t: ApiTestLake;
  let centres: [number, number][];

  beforeAll(async () => {
    t = await openApiTestLake({ vehicles: 300, hours: 4, api: { moving_threshold_kmh: THRESHOLD_KMH } });
    // Probes that sit on the awkward places: H3 cell corners near stored positions, and grid points.
    const sample = await queryRows<{ lon: number; lat: number }>(t.lake.ch.client, 'SELECT toFloat64(lon) AS lon, toFloat64(lat) AS lat FROM fleet.positions ORDER BY cityHash64(vehicle_id, ts) LIMIT 400');
    centres = sample.map((p) => [p.lon, p.lat]);
    const corners = centres.slice(0, 60).flatMap(([lon, lat]) => gridDisk(latLngToCell(lat, lon, 8), 1).flatMap((cell) => cellToBoundary(cell, true) as [number, number][]));
    await t.lake.ch.client.insert({
      table: 'fleet.positions',
      format: 'JSONEachRow',
      values: corners.map(([lon, lat], i) => ({
        vehicle_id: `corner-${i % 37}`,
        ts: dateTimeParam(t.fromMs + ((i * 7919) % (t.toMs - t.fromMs))),
        lat: Math.round(lat * 1e6) / 1e6,
        lon: Math.round(lon * 1e6) / 1e6,
        speed_kmh: i % 3 === 0 ? 0 : 20,
        heading_deg: 0,
        vehicle_type: VEHICLE_TYPES[i % 4],
      })),
    });
  });
  afterAll(async () => t?.close());

  it('matches brute force for random areas of every kind, periods and filters', async () => {
    const random = seededRandom(2025);
    const kinds: AreaKind[] = Array.from({ length: 96 }, (_, i) => AREA_KINDS[i % AREA_KINDS.length]!).filter((k, i) => k !== 'city' || i < 40);
    let nonEmpty = 0;
    let pruned = 0;
    for (const kind of kinds) {
      const area = randomArea(random, kind, centres[random.int(centres.length)]!);
      const c = randomCase(t, random, area.polygons);
      const expected = await bruteForce(t, c);
      const actual = await viaApi(t.app, area.geometry, c);
      expect(actual.vehicles, `${kind} ${JSON.stringify(area.geometry).slice(0, 300)}`).toEqual(expected);
      if (expected.length > 0) nonEmpty++;
      if (actual.stats.rows_read < t.rows / 2) pruned++;
    }
    // The comparison means something only if areas do hit positions, and the index only if it prunes.
    expect(nonEmpty).toBeGreaterThan(kinds.length / 2);
    expect(pruned).toBeGreaterThan(kinds.length / 2);
  });

  it('matches brute force for positions lying exactly on area edges and H3 cell corners', async () => {
    const random = seededRandom(99);
    for (let i = 0; i < 20; i++) {
      const kind: AreaKind = i % 2 === 0 ? 'grid-rect' : 'hexes';
      const area = randomArea(random, kind, centres[i]!);
      const c = { ...randomCase(t, random, area.polygons), fromMs: t.fromMs, toMs: t.toMs, movingOnly: false, types: [] };
      expect((await viaApi(t.app, area.geometry, c)).vehicles).toEqual(await bruteForce(t, c));
    }
  });

  it('finds a position whose H3 cell the area only approaches (geodesic versus straight cell edges)', async () => {
    const point = findMisassignedPoint(centres[0]![1], centres[0]![0]);
    await t.lake.ch.client.insert({
      table: 'fleet.positions',
      format: 'JSONEachRow',
      values: [{ vehicle_id: 'edge-walker', ts: dateTimeParam(t.fromMs + 60_000), lat: point.lat, lon: point.lon, speed_kmh: 30, heading_deg: 0, vehicle_type: 'car' }],
    });
    const [stored] = await queryRows<{ cell: string }>(t.lake.ch.client, "SELECT h3ToString(h3_cell) AS cell FROM fleet.positions WHERE vehicle_id = 'edge-walker'");
    expect(stored?.cell).toBe(point.assignedCell);
    const polygons = slabAgainstEdge(point);
    const c = { polygons, fromMs: t.fromMs, toMs: t.toMs, movingOnly: false, types: [] };
    const expected = await bruteForce(t, c);
    expect(expected.map((v) => v.vehicle_id)).toContain('edge-walker');
    expect((await viaApi(t.app, { type: 'Polygon', coordinates: polygons[0] }, c)).vehicles).toEqual(expected);
  });

  it('matches brute force for every stored district, by id', async () => {
    const random = seededRandom(7);
    for (const district of loadDistricts()) {
      const c = randomCase(t, random, district.polygons);
      expect((await viaApi(t.app, { district_id: district.id }, c)).vehicles).toEqual(await bruteForce(t, c));
    }
  });

  it('gives the same answers when areas are too large for the index and get scanned', async () => {
    const scanning = await t.buildApp({ max_index_cells: 10 });
    const random = seededRandom(5);
    for (let i = 0; i < 12; i++) {
      const area = randomArea(random, i % 2 === 0 ? 'star' : 'holed', centres[i]!);
      const c = randomCase(t, random, area.polygons);
      const result = await viaApi(scanning, area.geometry, c);
      expect(result.vehicles).toEqual(await bruteForce(t, c));
      if (result.stats.index === 'scan') expect(result.stats.rows_read).toBeGreaterThan(0);
    }
  });
});
