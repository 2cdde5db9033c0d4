import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../core/clickhouse.ts';
import { createApiKey } from './auth/api-key-store.ts';
import { SCOPES } from './auth/scopes.ts';
import { openApiTestLake, type ApiTestLake } from './testing/api-lake.ts';

interface AuditRow {
  key_name: string;
  method: string;
  route: string;
  status: number;
  vehicle_id: string;
  area: string;
  period_from: string | null;
  period_to: string | null;
  rows_returned: string;
  duration_ms: number;
}

describe('audit trail (fleet.api_audit)', () => {
  let t: ApiTestLake;
  let app: FastifyInstance;
  let key: string;
  const from = '2025-03-03T06:00:00Z';
  const to = '2025-03-03T07:00:00Z';

  beforeAll(async () => {
    t = await openApiTestLake({ vehicles: 10, hours: 1 });
    app = await t.buildApp({ auth: 'required' });
    key = (await createApiKey(t.lake.ch.client, { name: 'auditor', scopes: SCOPES, now: t.nowMs - 1000 })).key;
  });
  afterAll(async () => t?.close());

  const audited = async (request: { method: 'GET' | 'POST'; url: string; payload?: Record<string, unknown>; headers?: Record<string, string> }) => {
    const response = await app.inject({ ...request, headers: { authorization: `Bearer ${key}`, ...request.headers } });
    await app.audit.flush();
    const [row] = await queryRows<AuditRow>(t.lake.ch.client, 'SELECT * FROM fleet.api_audit WHERE request_id = {id:String}', { id: String(response.headers['x-request-id'] ?? response.json<{ request_id: string }>().request_id) });
    return { response, row };
  };

  it('writes one row per data request with key, route, vehicle or area, period, rows returned, duration and status', async () => {
    const area = await audited({ method: 'POST', url: '/v1/area-query', payload: { area: { district_id: 'd06' }, from, to, moving_only: false } });
    expect(area.row).toMatchObject({ key_name: 'auditor', method: 'POST', route: '/v1/area-query', status: 200, area: 'district:d06', period_from: '2025-03-03 06:00:00.000', period_to: '2025-03-03 07:00:00.000' });
    expect(Number(area.row!.rows_returned)).toBe(area.response.json<{ vehicles: unknown[] }>().vehicles.length);
    expect(area.row!.duration_ms).toBeGreaterThan(0);

    const polygon = { type: 'Polygon', coordinates: [[[-73.6, 45.5], [-73.57, 45.5], [-73.57, 45.52], [-73.6, 45.5]]] };
    const ndjson = await audited({ method: 'POST', url: '/v1/area-query', payload: { area: polygon, from, to, moving_only: false }, headers: { accept: 'application/x-ndjson' } });
    expect(JSON.parse(ndjson.row!.area)).toEqual(polygon);
    expect(Number(ndjson.row!.rows_returned)).toBe(ndjson.response.body.trimEnd().split('\n').length - 1);

    const track = await audited({ method: 'GET', url: `/v1/vehicles/v-00003/track?from=${from}&to=${to}` });
    expect(track.row).toMatchObject({ route: '/v1/vehicles/:id/track', vehicle_id: 'v-00003', period_from: '2025-03-03 06:00:00.000', status: 200 });
    expect(Number(track.row!.rows_returned)).toBe(track.response.json<{ properties: { points: number } }>().properties.points);
    const trackNdjson = await audited({ method: 'GET', url: `/v1/vehicles/v-00003/track?from=${from}&to=${to}&format=ndjson` });
    expect(Number(trackNdjson.row!.rows_returned)).toBe(Number(track.row!.rows_returned));
    const trackCsv = await audited({ method: 'GET', url: `/v1/vehicles/v-00003/track?from=${from}&to=${to}&format=csv` });
    expect(Number(trackCsv.row!.rows_returned)).toBe(Number(track.row!.rows_returned));

    const latest = await audited({ method: 'GET', url: '/v1/vehicles/latest?bbox=-74,45,-73,46&max_age=1h' });
    expect(latest.row).toMatchObject({ route: '/v1/vehicles/latest', area: 'bbox:-74,45,-73,46', period_to: '2025-03-03 07:01:00.000', period_from: '2025-03-03 06:01:00.000' });
    expect(Number(latest.row!.rows_returned)).toBe(latest.response.json<{ vehicles: unknown[] }>().vehicles.length);

    const heatmap = await audited({ method: 'GET', url: `/v1/heatmap?from=${from}&to=${to}&resolution=6` });
    expect(Number(heatmap.row!.rows_returned)).toBe(heatmap.response.json<{ cells: unknown[] }>().cells.length);
    const count = await audited({ method: 'GET', url: `/v1/districts/d02/count?ts=${to}` });
    expect(count.row).toMatchObject({ route: '/v1/districts/:id/count', area: 'district:d02', rows_returned: '1', period_to: '2025-03-03 07:00:00.000' });
    const districts = await audited({ method: 'GET', url: '/v1/districts' });
    expect(Number(districts.row!.rows_returned)).toBe(16);
  });

  it('records refusals too: a wrong key (with no name) and a bad request', async () => {
    const wrong = await audited({ method: 'GET', url: '/v1/districts', headers: { authorization: 'Bearer nope' } });
    expect(wrong.row).toMatchObject({ key_name: '', status: 401, route: '/v1/districts', rows_returned: '0' });
    const bad = await audited({ method: 'GET', url: '/v1/vehicles/latest?max_age=300000y' });
    expect(bad.row).toMatchObject({ key_name: 'auditor', status: 400 });
  });

  it('leaves /health, /metrics and the OpenAPI out', async () => {
    const before = await queryRows<{ n: string }>(t.lake.ch.client, 'SELECT count() AS n FROM fleet.api_audit');
    for (const url of ['/health', '/metrics', '/openapi.json']) await app.inject({ method: 'GET', url });
    await app.audit.flush();
    expect(await queryRows<{ n: string }>(t.lake.ch.client, 'SELECT count() AS n FROM fleet.api_audit')).toEqual(before);
  });
});
