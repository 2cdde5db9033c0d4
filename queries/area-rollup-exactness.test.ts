import type { FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../core/clickhouse.ts';
import type { MultiPolygonCoords } from '../core/geojson.ts';
import { createApiKey } from './auth/api-key-store.ts';
import { askAreaApi, bruteForceArea, type AreaCase, type AreaVehicle } from './testing/brute-force-area.ts';
import { openApiTestLake, type ApiTestLake } from './testing/api-lake.ts';
import { AREA_KINDS, randomArea, type AreaKind } from './testing/random-areas.ts';
import { seededRandom, type SeededRandom } from './testing/seeded-random.ts';

/**
 * The rollup path of POST /v1/area-query against brute force on raw
 * positions, every field, over a lake of several days so that whole days,
 * whole hours and partial hours all take part. The seed is random on every
 * run and printed; FLEETLAKE_TEST_SEED=<seed> replays a failure.
 */

type Vehicle = AreaVehicle;
type Case = AreaCase;

const VEHICLE_TYPES = ['bike', 'car', 'van', 'truck'];
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const SEED = Number(process.env.FLEETLAKE_TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));

const bruteForce = (t: ApiTestLake, c: Case, group = '') => bruteForceArea(t.lake.ch.client, c, 5, group);
const bruteForceAt = (t: ApiTestLake, c: Case, thresholdKmh: number) => bruteForceArea(t.lake.ch.client, c, thresholdKmh);

interface Answer {
  vehicles: Vehicle[];
  stats: { path: string; path_note?: string; rollup_days?: number; rollup_hours?: number };
}

const viaApi = (app: FastifyInstance, area: unknown, c: Case, headers: Record<string, string> = {}): Promise<Answer> => askAreaApi<Answer['stats']>(app, area, c, headers);

/** A period from a minute to the whole lake, longer ones likelier (log scale); its ends sometimes on hour or day boundaries. */
function randomPeriod(t: ApiTestLake, random: SeededRandom): { fromMs: number; toMs: number } {
  const span = t.toMs - t.fromMs + 2 * HOUR_MS;
  const length = Math.round(60_000 * Math.pow(span / 60_000, Math.sqrt(random.float())));
  let fromMs = t.fromMs - HOUR_MS + Math.floor(random.float() * (span - length));
  let toMs = fromMs + length;
  const snap = random.float();
  if (snap < 0.15) fromMs = Math.ceil(fromMs / HOUR_MS) * HOUR_MS;
  else if (snap < 0.25) fromMs = Math.floor(fromMs / DAY_MS) * DAY_MS;
  const snapTo = random.float();
  if (snapTo < 0.15) toMs = Math.floor(toMs / HOUR_MS) * HOUR_MS;
  else if (snapTo < 0.25) toMs = Math.ceil(toMs / DAY_MS) * DAY_MS;
  if (toMs <= fromMs) toMs = fromMs + 60_000;
  return { fromMs, toMs };
}

describe('area queries through the presence rollups are exact', () => {
  let t: ApiTestLake;
  let centres: [number, number][];
  let secondRows = 0;

  beforeAll(async () => {
    process.stdout.write(`area-rollup-exactness: seed ${SEED} (replay with FLEETLAKE_TEST_SEED=${SEED})\n`);
    // Three days and a bit, so periods cover whole days, whole hours and partial hours.
    t = await openApiTestLake({ vehicles: 60, hours: 75, intervalMs: 60_000 });
    const sample = await queryRows<{ lon: number; lat: number }>(t.lake.ch.client, 'SELECT toFloat64(lon) AS lon, toFloat64(lat) AS lat FROM fleet.positions ORDER BY cityHash64(vehicle_id, ts) LIMIT 200');
    centres = sample.map((p) => [p.lon, p.lat]);
    // A second insert into buckets the first one filled, twice under one deduplication token as a retried
    // ingest batch would be (rows in the request's body, as ingest sends them: ClickHouse deduplicates an
    // INSERT … SELECT of a non-replicated table never): the rollups then hold unmerged rows per bucket, and
    // must not count the retry.
    const second = await t.lake.ch.client.query({
      query: `SELECT vehicle_id, ts + INTERVAL 7 SECOND, lat, lon, speed_kmh * 1.5, heading_deg, if(vehicle_id = 'v-00003', 'bike', vehicle_type)
              FROM fleet.positions WHERE vehicle_id IN ('v-00001', 'v-00002', 'v-00003', 'v-00004', 'v-00005')`,
      format: 'TabSeparated',
    });
    const body = await second.text();
    secondRows = body.split('\n').filter(Boolean).length;
    for (let attempt = 0; attempt < 2; attempt++) {
      const result = await t.lake.ch.client.exec({
        query: `INSERT INTO fleet.positions (vehicle_id, ts, lat, lon, speed_kmh, heading_deg, vehicle_type) SETTINGS insert_deduplication_token = 'second-batch' FORMAT TabSeparated`,
        values: Readable.from([body]),
      });
      result.stream.destroy();
    }
    await t.lake.ch.client.insert({ table: 'fleet.vehicle_groups', format: 'JSONEachRow', values: ['v-00001', 'v-00002', 'v-00007', 'v-00030'].map((vehicle_id) => ({ group_name: 'north', vehicle_id })) });
  }, 600_000);
  afterAll(async () => t?.close());

  it('matches brute force on every field for random areas (holed and multi-part among them), periods and filters', async () => {
    const random = seededRandom(SEED);
    // Every kind, and the kinds large enough to have interior cells (which the rollups serve) three times over.
    const large: AreaKind[] = ['star', 'holed', 'multi', 'city', 'hexes'];
    const kinds: AreaKind[] = [...AREA_KINDS, ...large, ...large, ...large].flatMap((k) => [k, k]).slice(0, 64);
    const paths = { rollup: 0, raw: 0 };
    let nonEmpty = 0;
    for (const kind of kinds) {
      const area = randomArea(random, kind, centres[random.int(centres.length)]!);
      const types = random.float() < 0.25 ? VEHICLE_TYPES.filter(() => random.float() < 0.5) : [];
      const c: Case = { polygons: area.polygons, ...randomPeriod(t, random), movingOnly: random.float() < 0.5, types };
      const expected = await bruteForce(t, c);
      const actual = await viaApi(t.app, area.geometry, c);
      expect(actual.vehicles, `seed ${SEED}: ${kind} ${new Date(c.fromMs).toISOString()}..${new Date(c.toMs).toISOString()} ${JSON.stringify(c.types)} moving ${c.movingOnly} ${JSON.stringify(area.geometry).slice(0, 200)}`).toEqual(expected);
      paths[actual.stats.path as 'rollup' | 'raw']++;
      if (expected.length > 0) nonEmpty++;
    }
    // The comparison means something only if the rollups were used and areas hit vehicles
    // (a floor every seed clears: the random periods decide how many hold a whole hour).
    expect(paths.rollup).toBeGreaterThan(kinds.length / 8);
    expect(nonEmpty).toBeGreaterThan(kinds.length / 3);
  });

  it('holds in its rollups every position once, a retried insert included', async () => {
    const counts = await queryRows<{ raw: string; hourly: string; daily: string }>(
      t.lake.ch.client,
      'SELECT (SELECT count() FROM fleet.positions) AS raw, (SELECT sum(positions) FROM fleet.presence_hourly) AS hourly, (SELECT sum(positions) FROM fleet.presence_daily) AS daily',
    );
    expect(counts[0]!.hourly).toBe(counts[0]!.raw);
    expect(counts[0]!.daily).toBe(counts[0]!.raw);
    expect(Number(counts[0]!.raw)).toBe(t.rows + secondRows);
  });

  it('reads whole days and hours from the rollups for a district over the whole lake', async () => {
    const [district] = await queryRows<{ polygons: MultiPolygonCoords }>(t.lake.ch.client, "SELECT polygons FROM fleet.districts WHERE id = 'd06'");
    const c: Case = { polygons: district!.polygons, fromMs: t.fromMs + 17 * 60_000, toMs: t.toMs - 23 * 60_000, movingOnly: true, types: [] };
    const actual = await viaApi(t.app, { district_id: 'd06' }, c);
    expect(actual.stats).toMatchObject({ path: 'rollup', rollup_days: 2 });
    expect(actual.stats.rollup_hours).toBeGreaterThan(20);
    expect(actual.vehicles).toEqual(await bruteForce(t, c));
  });

  it('falls back to raw positions where the rollups cannot answer, with the same answer', async () => {
    const other = await t.buildApp({ moving_threshold_kmh: 12 });
    const [district] = await queryRows<{ polygons: MultiPolygonCoords }>(t.lake.ch.client, "SELECT polygons FROM fleet.districts WHERE id = 'd02'");
    const c: Case = { polygons: district!.polygons, fromMs: t.fromMs, toMs: t.toMs, movingOnly: true, types: [] };
    const answer = await viaApi(other, { district_id: 'd02' }, c);
    expect(answer.stats.path).toBe('raw');
    expect(answer.stats.path_note).toContain('api.moving_threshold_kmh = 12');
    expect(answer.vehicles).toEqual(await bruteForceAt(t, c, 12));
    const within = { ...c, fromMs: t.fromMs + 60_000, toMs: t.fromMs + 50 * 60_000 };
    const short = await viaApi(t.app, { district_id: 'd02' }, within);
    expect(short.stats).toMatchObject({ path: 'raw', path_note: 'the period holds no whole hour' });
    expect(short.vehicles).toEqual(await bruteForce(t, within));
  });

  it('honours an API key restricted to a vehicle group on the rollup path', async () => {
    const grouped = await t.buildApp({ auth: 'required' });
    const { key } = await createApiKey(t.lake.ch.client, { name: 'north', scopes: ['read'], vehicleGroup: 'north', now: t.nowMs - 1000 });
    const [district] = await queryRows<{ polygons: MultiPolygonCoords }>(t.lake.ch.client, "SELECT polygons FROM fleet.districts WHERE id = 'd03'");
    const c: Case = { polygons: district!.polygons, fromMs: t.fromMs, toMs: t.toMs, movingOnly: false, types: [] };
    const answer = await viaApi(grouped, { district_id: 'd03' }, c, { authorization: `Bearer ${key}` });
    expect(answer.stats.path).toBe('rollup');
    expect(answer.vehicles).toEqual(await bruteForce(t, c, 'north'));
  });

  describe('GET /v1/districts/{id}/occupancy', () => {
    const occupancy = async (app: FastifyInstance, id: string, fromMs: number, toMs: number, step: string, headers: Record<string, string> = {}) =>
      app.inject({ method: 'GET', url: `/v1/districts/${id}/occupancy?from=${new Date(fromMs).toISOString()}&to=${new Date(toMs).toISOString()}&step=${step}`, headers });

    async function bruteOccupancy(id: string, fromMs: number, toMs: number, stepMs: number, group = ''): Promise<number[]> {
      const rows = await queryRows<{ step: string; n: string }>(
        t.lake.ch.client,
        `SELECT intDiv(toUnixTimestamp64Milli(ts) - {from_ms:Int64}, {step_ms:Int64}) AS step, uniqExact(vehicle_id) AS n FROM fleet.positions
         WHERE ts >= fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC') AND ts < fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC')
           AND pointInPolygon((toFloat64(lon), toFloat64(lat)), (SELECT polygons FROM fleet.districts WHERE id = {id:String}))
           AND ({group:String} = '' OR vehicle_id IN (SELECT vehicle_id FROM fleet.vehicle_groups WHERE group_name = {group:String}))
         GROUP BY step ORDER BY step`,
        { from_ms: String(fromMs), to_ms: String(toMs), step_ms: String(stepMs), id, group },
      );
      const counts = new Map(rows.map((r) => [Number(r.step), Number(r.n)]));
      return Array.from({ length: Math.ceil((toMs - fromMs) / stepMs) }, (_, i) => counts.get(i) ?? 0);
    }

    it('counts the vehicles inside per step exactly as brute force, for hourly and daily steps', async () => {
      const fromMs = t.fromMs - HOUR_MS;
      const toMs = Math.ceil(t.toMs / HOUR_MS) * HOUR_MS;
      for (const [id, step, stepMs] of [['d06', '1h', HOUR_MS], ['d02', '1d', DAY_MS], ['d10', '5h', 5 * HOUR_MS]] as const) {
        const response = await occupancy(t.app, id, fromMs, toMs, step);
        expect(response.statusCode, response.body).toBe(200);
        const body = response.json<{ steps: { from: string; vehicles: number }[]; stats: { reads: { table: string }[] } }>();
        expect(body.steps.map((s) => s.vehicles), `${id} ${step}`).toEqual(await bruteOccupancy(id, fromMs, toMs, stepMs));
        expect(body.steps[1]?.from).toBe(new Date(fromMs + stepMs).toISOString());
        expect(body.stats.reads.map((r) => r.table)).toContain('fleet.presence_hourly');
      }
      expect((await bruteOccupancy('d06', fromMs, toMs, HOUR_MS)).some((n) => n > 0)).toBe(true);
    });

    it('honours a group-restricted key, and refuses periods that are not whole hours', async () => {
      const grouped = await t.buildApp({ auth: 'required' });
      const { key } = await createApiKey(t.lake.ch.client, { name: 'north-occupancy', scopes: ['read'], vehicleGroup: 'north', now: t.nowMs - 1000 });
      const fromMs = Math.ceil(t.fromMs / DAY_MS) * DAY_MS;
      const response = await occupancy(grouped, 'd03', fromMs, fromMs + DAY_MS, '1h', { authorization: `Bearer ${key}` });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json<{ steps: { vehicles: number }[] }>().steps.map((s) => s.vehicles)).toEqual(await bruteOccupancy('d03', fromMs, fromMs + DAY_MS, HOUR_MS, 'north'));
      const ragged = await occupancy(t.app, 'd03', fromMs + 60_000, fromMs + DAY_MS, '1h');
      expect(ragged.statusCode).toBe(400);
      expect(ragged.json<{ error: string; message: string }>()).toMatchObject({ error: 'API_INVALID_PERIOD', message: expect.stringContaining('from and to must be whole hours') as unknown });
      expect((await occupancy(t.app, 'd03', fromMs, fromMs + DAY_MS, '15m')).statusCode).toBe(400);
      expect((await occupancy(t.app, 'nowhere', fromMs, fromMs + DAY_MS, '1h')).statusCode).toBe(404);
    });
  });
});
