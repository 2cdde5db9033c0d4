import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../core/clickhouse.ts';
import type { MultiPolygonCoords } from '../../core/geojson.ts';
import { createDeviceStore } from '../../gateway/device-store.ts';
import { dateTimeParam } from '../param-text.ts';
import { openApiTestLake, type ApiTestLake } from '../testing/api-lake.ts';
import { createApiKey } from './api-key-store.ts';
import { SCOPES } from './scopes.ts';
import { addToVehicleGroup } from './vehicle-groups.ts';

const GROUP = ['v-00001', 'v-00002', 'v-00003', 'v-00004', 'v-00005'];
const OUTSIDER = 'v-00009';
const BOX = { minLon: -73.62, minLat: 45.49, maxLon: -73.55, maxLat: 45.53 };
const AREA: MultiPolygonCoords = [[[[BOX.minLon, BOX.minLat], [BOX.maxLon, BOX.minLat], [BOX.maxLon, BOX.maxLat], [BOX.minLon, BOX.maxLat], [BOX.minLon, BOX.minLat]]]];
const CITY = [[[-74.2, 45.2], [-73.2, 45.2], [-73.2, 45.9], [-74.2, 45.9], [-74.2, 45.2]]];

/**
 * A key restricted to a vehicle group or an area sees nothing else through
 * any route or format: every /v1 operation in the OpenAPI is called with the
 * widest request it takes, and its answer is compared with SQL that applies
 * the restriction by hand.
 */
describe('API keys restricted to a vehicle group or an area', () => {
  let t: ApiTestLake;
  let app: FastifyInstance;
  let groupKey: string;
  let areaKey: string;
  let from: string;
  let to: string;

  const inBox = (lon: number, lat: number) => lon > BOX.minLon && lon < BOX.maxLon && lat > BOX.minLat && lat < BOX.maxLat;
  const get = (url: string, key: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
  const areaQuery = (key: string, accept = 'application/json') =>
    app.inject({ method: 'POST', url: '/v1/area-query', headers: { authorization: `Bearer ${key}`, accept }, payload: { area: { type: 'Polygon', coordinates: CITY }, from, to, moving_only: false, limit: 10_000 } });
  const sql = <T>(where: string) =>
    queryRows<T>(t.lake.ch.client, `SELECT vehicle_id, count() AS n FROM fleet.positions WHERE ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')} AND ${where} GROUP BY vehicle_id ORDER BY vehicle_id`, {
      from: dateTimeParam(t.fromMs),
      to: dateTimeParam(t.toMs),
    });
  const boxSql = `pointInPolygon((toFloat64(lon), toFloat64(lat)), [(${BOX.minLon},${BOX.minLat}),(${BOX.maxLon},${BOX.minLat}),(${BOX.maxLon},${BOX.maxLat}),(${BOX.minLon},${BOX.maxLat})])`;

  beforeAll(async () => {
    t = await openApiTestLake({ vehicles: 12, hours: 2 });
    app = await t.buildApp({ auth: 'required' });
    from = new Date(t.fromMs).toISOString();
    to = new Date(t.toMs).toISOString();
    await addToVehicleGroup(t.lake.ch.client, 'north', GROUP);
    await addToVehicleGroup(t.lake.ch.client, 'other', [OUTSIDER]);
    // A tracker for every vehicle, and one never seen (no place, so outside any area).
    const trackers = Array.from({ length: 12 }, (_, i) => `v-${String(i + 1).padStart(5, '0')}`).map((v) => ({ device_id: `imei-${v}`, vehicle_id: v, vehicle_type: 'car', enabled: true }));
    await createDeviceStore(t.lake.ch.client).put([...trackers, { device_id: 'imei-unseen', vehicle_id: 'v-99999', vehicle_type: 'car', enabled: true }], 'cli');
    groupKey = (await createApiKey(t.lake.ch.client, { name: 'north', scopes: SCOPES, vehicleGroup: 'north', now: t.nowMs - 1000 })).key;
    areaKey = (await createApiKey(t.lake.ch.client, { name: 'box', scopes: SCOPES, area: AREA, now: t.nowMs - 1000 })).key;
  });
  afterAll(async () => t?.close());

  it('covers every /v1 operation the API has (a new route must be added here)', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
    const operations = Object.entries(doc.paths).filter(([p]) => p.startsWith('/v1/')).flatMap(([p, m]) => Object.keys(m).map((method) => `${method} ${p}`));
    expect(operations.sort()).toEqual([
      'delete /v1/vehicles/{id}',
      'get /v1/devices',
      'get /v1/devices/{id}/commands/{commandId}',
      'get /v1/districts',
      'get /v1/districts/{id}/count',
      'get /v1/districts/{id}/occupancy',
      'get /v1/heatmap',
      'get /v1/keys',
      'get /v1/live',
      'get /v1/vehicles/latest',
      'get /v1/vehicles/{id}/erasure',
      'get /v1/vehicles/{id}/track',
      'post /v1/area-query',
      'post /v1/area-query/positions',
      'post /v1/devices/{id}/commands',
      'put /v1/devices/{id}',
    ]);
  });

  it('area queries (JSON and NDJSON) give exactly the group, or the vehicles seen inside the area', async () => {
    const group = (await sql<{ vehicle_id: string; n: string }>(`vehicle_id IN ('${GROUP.join("','")}') AND ${'1'}`)).map((r) => [r.vehicle_id, Number(r.n)]);
    const json = (await areaQuery(groupKey)).json<{ vehicles: { vehicle_id: string; positions: number }[] }>();
    expect(json.vehicles.map((v) => [v.vehicle_id, v.positions])).toEqual(group);
    const ndjson = (await areaQuery(groupKey, 'application/x-ndjson')).body.trimEnd().split('\n').slice(0, -1).map((l) => (JSON.parse(l) as { vehicle_id: string }).vehicle_id);
    expect(ndjson).toEqual(group.map(([id]) => id));
    const boxed = (await sql<{ vehicle_id: string; n: string }>(boxSql)).map((r) => [r.vehicle_id, Number(r.n)]);
    expect(boxed.length).toBeGreaterThan(0);
    expect(boxed.length).toBeLessThan(12);
    expect((await areaQuery(areaKey)).json<{ vehicles: { vehicle_id: string; positions: number }[] }>().vehicles.map((v) => [v.vehicle_id, v.positions])).toEqual(boxed);
  });

  it('area positions in every format hold only the group\'s positions, or positions inside the area', async () => {
    const group = await sql<{ vehicle_id: string; n: string }>(`vehicle_id IN ('${GROUP.join("','")}')`);
    const boxed = await sql<{ vehicle_id: string; n: string }>(boxSql);
    for (const [key, expected] of [[groupKey, group], [areaKey, boxed]] as const) {
      for (const format of ['ndjson', 'csv', 'parquet', 'arrow']) {
        const response = await app.inject({
          method: 'POST',
          url: `/v1/area-query/positions?format=${format}`,
          headers: { authorization: `Bearer ${key}` },
          payload: { area: { type: 'Polygon', coordinates: CITY }, from, to, moving_only: false },
        });
        expect(response.statusCode, response.body).toBe(200);
        for (const [id] of response.body.matchAll(/v-\d{5}/g)) expect(expected.map((r) => r.vehicle_id), `${format} ${id}`).toContain(id);
        if (format === 'ndjson') {
          const rows = response.body.trimEnd().split('\n').map((l) => JSON.parse(l) as { vehicle_id: string; lon: number; lat: number });
          expect(rows).toHaveLength(expected.reduce((n, r) => n + Number(r.n), 0));
          if (key === areaKey) for (const r of rows) expect(inBox(r.lon, r.lat)).toBe(true);
        }
      }
    }
  });

  it('tracks in every format are empty for a vehicle outside the group, and keep only positions inside the area', async () => {
    const period = `from=${from}&to=${to}`;
    for (const format of ['geojson', 'ndjson', 'csv', 'parquet']) {
      const outside = await get(`/v1/vehicles/${OUTSIDER}/track?${period}&format=${format}`, groupKey);
      expect(outside.statusCode).toBe(200);
      if (format === 'geojson') expect(outside.json()).toMatchObject({ geometry: null, properties: { points: 0 } });
      if (format === 'ndjson') expect(outside.body).toBe('');
      if (format === 'csv') expect(outside.body.trimEnd().split('\n')).toHaveLength(1);
      if (format === 'parquet') expect(outside.body).not.toContain(OUTSIDER);
      const inside = await get(`/v1/vehicles/${GROUP[0]}/track?${period}&format=${format}`, groupKey);
      expect(inside.body.length).toBeGreaterThan(100);
    }
    const boxed = await sql<{ vehicle_id: string; n: string }>(boxSql);
    const seen = boxed[0]!;
    const track = (await get(`/v1/vehicles/${seen.vehicle_id}/track?${period}`, areaKey)).json<{ geometry: { coordinates: [number, number][] } | { coordinates: [number, number] }; properties: { points: number } }>();
    expect(track.properties.points).toBe(Number(seen.n));
    const points = track.properties.points === 1 ? [track.geometry.coordinates as [number, number]] : (track.geometry.coordinates as [number, number][]);
    for (const [lon, lat] of points) expect(inBox(lon, lat)).toBe(true);
  });

  it('latest positions hold only group vehicles, or vehicles last seen inside the area', async () => {
    const byGroup = (await get('/v1/vehicles/latest', groupKey)).json<{ vehicles: { vehicle_id: string }[] }>();
    expect(byGroup.vehicles.map((v) => v.vehicle_id)).toEqual(GROUP);
    const byArea = (await get('/v1/vehicles/latest', areaKey)).json<{ vehicles: { vehicle_id: string; lon: number; lat: number }[] }>();
    for (const v of byArea.vehicles) expect(inBox(v.lon, v.lat), v.vehicle_id).toBe(true);
  });

  it('the live stream shows only group vehicles, or vehicles last seen inside the area', async () => {
    const byGroup = await liveSnapshot(groupKey);
    expect(byGroup.map((v) => v.vehicle_id).sort()).toEqual([...GROUP].sort());
    const byArea = await liveSnapshot(areaKey);
    const latest = (await get('/v1/vehicles/latest', areaKey)).json<{ vehicles: { vehicle_id: string }[] }>();
    expect(byArea.map((v) => v.vehicle_id).sort()).toEqual(latest.vehicles.map((v) => v.vehicle_id).sort());
    for (const v of byArea) expect(inBox(v.lon, v.lat), v.vehicle_id).toBe(true);
  });

  /** The first event of GET /v1/live for a key: every vehicle it may see. The stream is endless, so it is dropped after that. */
  async function liveSnapshot(key: string): Promise<{ vehicle_id: string; lon: number; lat: number }[]> {
    const r = await app.inject({ method: 'GET', url: '/v1/live', headers: { authorization: `Bearer ${key}` }, payloadAsStream: true });
    expect(r.statusCode).toBe(200);
    const stream = r.stream();
    let text = '';
    for await (const chunk of stream) {
      text += String(chunk);
      const event = /event: snapshot\ndata: (.*)\n\n/.exec(text);
      if (event) {
        stream.destroy();
        return (JSON.parse(event[1]!) as { positions: { vehicle_id: string; lon: number; lat: number }[] }).positions;
      }
    }
    throw new Error(`the live stream ended without a snapshot: ${text}`);
  }

  it('the device list holds only trackers of group vehicles, or of vehicles last seen inside the area', async () => {
    type Devices = { devices: { device_id: string; vehicle_id: string; last_position: { lon: number; lat: number } | null }[] };
    const byGroup = (await get('/v1/devices?limit=10000', groupKey)).json<Devices>();
    expect(byGroup.devices.map((d) => d.vehicle_id)).toEqual(GROUP);
    const latest = (await get('/v1/vehicles/latest', areaKey)).json<{ vehicles: { vehicle_id: string }[] }>();
    const byArea = (await get('/v1/devices?limit=10000', areaKey)).json<Devices>();
    expect(byArea.devices.map((d) => d.vehicle_id)).toEqual(latest.vehicles.map((v) => v.vehicle_id));
    for (const d of byArea.devices) expect(inBox(d.last_position!.lon, d.last_position!.lat), d.device_id).toBe(true);
    const everyone = (await t.app.inject({ method: 'GET', url: '/v1/devices?limit=10000' })).json<Devices>();
    expect(everyone.devices).toHaveLength(13);
  });

  it('heatmaps and district counts count only what the key may see', async () => {
    const period = `from=${from}&to=${to}`;
    const total = (cells: { positions: number }[]) => cells.reduce((n, c) => n + c.positions, 0);
    const groupRows = await sql<{ n: string }>(`vehicle_id IN ('${GROUP.join("','")}')`);
    const boxRows = await sql<{ n: string }>(boxSql);
    const sum = (rows: { n: string }[]) => rows.reduce((n, r) => n + Number(r.n), 0);
    expect(total((await get(`/v1/heatmap?${period}&resolution=5`, groupKey)).json<{ cells: { positions: number }[] }>().cells)).toBe(sum(groupRows));
    expect(total((await get(`/v1/heatmap?${period}&resolution=5`, areaKey)).json<{ cells: { positions: number }[] }>().cells)).toBe(sum(boxRows));
    for (const district of ['d01', 'd06']) {
      const count = (await get(`/v1/districts/${district}/count?ts=${to}`, groupKey)).json<{ vehicles: number; vehicles_seen: number }>();
      expect(count.vehicles_seen).toBeLessThanOrEqual(GROUP.length);
    }
    const everyone = (await t.app.inject({ method: 'GET', url: `/v1/districts/d01/count?ts=${to}` })).json<{ vehicles_seen: number }>();
    expect(everyone.vehicles_seen).toBeGreaterThan(GROUP.length);
  });

  it('no answer of any route names a vehicle outside the group', async () => {
    const period = `from=${from}&to=${to}`;
    const bodies = [
      (await areaQuery(groupKey)).body,
      (await areaQuery(groupKey, 'application/x-ndjson')).body,
      (await get('/v1/vehicles/latest?limit=10000', groupKey)).body,
      (await get('/v1/devices?limit=10000', groupKey)).body,
      (await get(`/v1/heatmap?${period}&resolution=8`, groupKey)).body,
      (await get('/v1/districts', groupKey)).body,
      (await get(`/v1/districts/d06/count?ts=${to}`, groupKey)).body,
    ];
    for (const body of bodies) for (const [id] of body.matchAll(/v-\d{5}/g)) expect(GROUP, id).toContain(id);
    // Erasure and its progress: only the key's own vehicles; an area-restricted key erases none.
    expect((await app.inject({ method: 'DELETE', url: `/v1/vehicles/${OUTSIDER}`, headers: { authorization: `Bearer ${groupKey}` } })).statusCode).toBe(403);
    expect((await get(`/v1/vehicles/${OUTSIDER}/erasure`, groupKey)).statusCode).toBe(403);
    expect((await app.inject({ method: 'DELETE', url: `/v1/vehicles/${GROUP[0]}`, headers: { authorization: `Bearer ${areaKey}` } })).statusCode).toBe(403);
    // Commands: only to the devices of the key's own vehicles; an area-restricted key commands none.
    const command = (vehicle: string, key: string) =>
      app.inject({ method: 'POST', url: `/v1/devices/imei-${vehicle}/commands`, payload: { command: 'getinfo', wait: '0s' }, headers: { authorization: `Bearer ${key}` } });
    const refused = await command(OUTSIDER, groupKey);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: 'DEVICE_FORBIDDEN' });
    expect((await command(GROUP[0]!, groupKey)).statusCode).toBe(202);
    expect((await command(GROUP[0]!, areaKey)).statusCode).toBe(403);
    expect((await get(`/v1/devices/imei-${OUTSIDER}/commands/00000000-0000-4000-8000-000000000001`, groupKey)).statusCode).toBe(403);
    // The registry: a group key registers devices of its vehicles only, and cannot move one out of (or into) its group.
    const put = (device: string, vehicle: string, key: string) =>
      app.inject({ method: 'PUT', url: `/v1/devices/${device}`, payload: { vehicle_id: vehicle }, headers: { authorization: `Bearer ${key}` } });
    expect((await put('imei-new', GROUP[1]!, groupKey)).statusCode).toBe(200);
    expect((await put('imei-new', OUTSIDER, groupKey)).statusCode).toBe(403);
    expect((await put(`imei-${OUTSIDER}`, GROUP[1]!, groupKey)).statusCode).toBe(403);
    expect((await put('imei-other', GROUP[1]!, areaKey)).statusCode).toBe(403);
  });
});
