import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../core/clickhouse.ts';
import { runFleetlake } from '../test-support/run-fleetlake.ts';
import { createApiKey } from './auth/api-key-store.ts';
import { SCOPES } from './auth/scopes.ts';
import { addToVehicleGroup } from './auth/vehicle-groups.ts';
import { dateTimeParam } from './param-text.ts';
import { openApiTestLake, type ApiTestLake } from './testing/api-lake.ts';

/**
 * Erasure removes a vehicle from every table that holds its positions, and
 * nothing else: history, latest positions, refused messages naming it, and
 * the raw frames of its devices (fleet.device_frames, through the gateway's
 * registry fleet.devices).
 */
describe("erasing a vehicle's positions", () => {
  let t: ApiTestLake;
  let app: FastifyInstance;
  let admin: string;
  let groupAdmin: string;
  const count = async (sql: string, params: Record<string, unknown> = {}) => Number((await queryRows<{ n: string }>(t.lake.ch.client, `SELECT count() AS n FROM ${sql}`, params))[0]!.n);
  const holdings = async (id: string) => ({
    positions: await count("fleet.positions WHERE vehicle_id = {id:String}", { id }),
    latest: await count("fleet.latest_positions FINAL WHERE vehicle_id = {id:String}", { id }),
    rejects: await count("fleet.ingest_rejects WHERE position(payload, {id:String}) > 0", { id }),
    frames: await count("fleet.device_frames WHERE device_id IN (SELECT device_id FROM fleet.devices WHERE vehicle_id = {id:String})", { id }),
    rollups: (await count('fleet.presence_hourly WHERE vehicle_id = {id:String}', { id })) + (await count('fleet.presence_daily WHERE vehicle_id = {id:String}', { id })),
  });

  beforeAll(async () => {
    t = await openApiTestLake({ vehicles: 8, hours: 1 });
    app = await t.buildApp({ auth: 'required' });
    const ch = t.lake.ch.client;
    for (const v of ['v-00001', 'v-00002', 'v-00003']) {
      await ch.insert({ table: 'fleet.devices', values: [{ device_id: `imei-${v}`, vehicle_id: v }], format: 'JSONEachRow' });
      await ch.insert({ table: 'fleet.device_frames', values: [{ received_at: dateTimeParam(Date.now() - 60_000) /* inside the 90-day TTL */, device_id: `imei-${v}`, frame: 'raw' }], format: 'JSONEachRow' });
      await ch.insert({
        table: 'fleet.ingest_rejects',
        values: [{ source: 'kafka', topic: 'fleet.positions', partition: 0, offset: Number(v.slice(-1)), reason: 'out_of_range', detail: '', payload: `{"vehicle_id":"${v}","lat":95}` }],
        format: 'JSONEachRow',
      });
    }
    admin = (await createApiKey(ch, { name: 'dpo', scopes: SCOPES, now: t.nowMs - 1000 })).key;
    await addToVehicleGroup(ch, 'north', ['v-00002']);
    groupAdmin = (await createApiKey(ch, { name: 'north-admin', scopes: SCOPES, vehicleGroup: 'north', now: t.nowMs - 1000 })).key;
  });
  afterAll(async () => t?.close());

  const as = (key: string) => ({ authorization: `Bearer ${key}` });

  it('DELETE /v1/vehicles/{id} removes the vehicle from every table, leaves the others, is audited, and its progress is followable', async () => {
    const before = await holdings('v-00001');
    expect(Object.values(before).every((n) => n > 0)).toBe(true);
    const others = await holdings('v-00003');
    const response = await app.inject({ method: 'DELETE', url: '/v1/vehicles/v-00001', headers: as(admin) });
    expect(response.statusCode, response.body).toBe(202);
    const body = response.json<{ vehicle_id: string; mutations: { table: string; mutation_id: string }[] }>();
    expect(body.mutations.map((m) => m.table).sort()).toEqual(['fleet.device_frames', 'fleet.ingest_rejects', 'fleet.latest_positions', 'fleet.positions', 'fleet.presence_daily', 'fleet.presence_hourly']);
    const progress = await app.inject({ method: 'GET', url: '/v1/vehicles/v-00001/erasure', headers: as(admin) });
    expect(progress.json<{ mutations: { mutation_id: string; done: boolean }[] }>().mutations.map((m) => m.mutation_id).sort()).toEqual(body.mutations.map((m) => m.mutation_id).sort());
    for (let i = 0; i < 100 && !progress.json<{ mutations: { done: boolean }[] }>().mutations.every((m) => m.done); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await holdings('v-00001')).toEqual({ positions: 0, latest: 0, rejects: 0, frames: 0, rollups: 0 });
    expect(await holdings('v-00003')).toEqual(others);
    await app.audit.flush();
    const [audit] = await queryRows<{ key_name: string; method: string; vehicle_id: string; status: number }>(t.lake.ch.client, "SELECT key_name, method, vehicle_id, status FROM fleet.api_audit WHERE route = '/v1/vehicles/:id'");
    expect(audit).toEqual({ key_name: 'dpo', method: 'DELETE', vehicle_id: 'v-00001', status: 202 });
  });

  it('with before, keeps the positions from that instant on', async () => {
    const cut = t.fromMs + 30 * 60_000;
    const later = await count("fleet.positions WHERE vehicle_id = 'v-00004' AND ts >= {cut:DateTime64(3, 'UTC')}", { cut: new Date(cut).toISOString().replace('T', ' ').replace('Z', '') });
    const response = await app.inject({ method: 'DELETE', url: `/v1/vehicles/v-00004?before=${new Date(cut).toISOString()}`, headers: as(admin) });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ before: new Date(cut).toISOString() });
    expect(later).toBeGreaterThan(0);
    expect(await count("fleet.positions WHERE vehicle_id = 'v-00004'")).toBe(later);
  });

  it("refuses a group-restricted admin key a vehicle outside its group (403), and needs the admin scope", async () => {
    const refused = await app.inject({ method: 'DELETE', url: '/v1/vehicles/v-00003', headers: as(groupAdmin) });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: 'API_ERASURE_FORBIDDEN', message: 'the API key north-admin is restricted to group north: it cannot erase vehicle v-00003; use an unrestricted admin key' });
    expect((await app.inject({ method: 'GET', url: '/v1/vehicles/v-00003/erasure', headers: as(groupAdmin) })).statusCode).toBe(403);
    expect((await app.inject({ method: 'DELETE', url: '/v1/vehicles/v-00002', headers: as(groupAdmin) })).statusCode).toBe(202);
    const reader = (await createApiKey(t.lake.ch.client, { name: 'reader', scopes: ['read', 'live'], now: t.nowMs - 1000 })).key;
    expect((await app.inject({ method: 'DELETE', url: '/v1/vehicles/v-00003', headers: as(reader) })).statusCode).toBe(403);
  });

  it('fleetlake erase does the same from the command line, waits, and is audited', async () => {
    await app.close();
    await t.lake.ch.close();
    const env = { FLEETLAKE_DATA_DIR: t.lake.dataDir };
    const erased = await runFleetlake(['erase', '--vehicle', 'v-00003', '--wait'], env);
    expect(erased.code, erased.stderr).toBe(0);
    expect(erased.stdout).toMatch(/^fleet\.positions\tmutation_\d+\.txt\tstarted$/m);
    expect(erased.stdout).toMatch(/^fleet\.device_frames\tmutation_\d+\.txt\tdone$/m);
    const left = await runFleetlake(['sql', "SELECT (SELECT count() FROM fleet.positions WHERE vehicle_id = 'v-00003') + (SELECT count() FROM fleet.device_frames WHERE device_id = 'imei-v-00003') + (SELECT count() FROM fleet.ingest_rejects WHERE position(payload, 'v-00003') > 0)"], env);
    expect(left.stdout.trim()).toBe('0');
    expect((await runFleetlake(['sql', "SELECT key_name, method, vehicle_id FROM fleet.api_audit WHERE route = 'fleetlake erase'"], env)).stdout.trim()).toBe('cli\tERASE\tv-00003');
    expect((await runFleetlake(['erase', '--vehicle', 'bad id'], env)).stderr).toContain('give --vehicle ID');
    expect((await runFleetlake(['erase', '--vehicle', 'v-1', '--before', 'yesterday'], env)).stderr).toContain('--before yesterday is not an RFC 3339 instant');
  });
});
