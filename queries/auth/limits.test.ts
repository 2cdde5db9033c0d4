import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiTestLake, type ApiTestLake } from '../testing/api-lake.ts';
import { createApiKey } from './api-key-store.ts';
import { SCOPES } from './scopes.ts';

describe('per-key rate and concurrency limits', () => {
  let t: ApiTestLake;
  const keys: string[] = [];

  beforeAll(async () => {
    t = await openApiTestLake({ vehicles: 10, hours: 1 });
    for (const name of ['a', 'b']) keys.push((await createApiKey(t.lake.ch.client, { name, scopes: SCOPES, now: t.nowMs - 1000 })).key);
  });
  afterAll(async () => t?.close());

  const as = (key: string) => ({ authorization: `Bearer ${key}` });

  it('answers 429 with Retry-After once a key has made api.rate_limit requests in the window; other keys go on', async () => {
    const app = await t.buildApp({ auth: 'required', rate_limit: 3, rate_window: '1m' });
    for (let i = 0; i < 3; i++) expect((await app.inject({ method: 'GET', url: '/v1/districts', headers: as(keys[0]!) })).statusCode).toBe(200);
    const refused = await app.inject({ method: 'GET', url: '/v1/vehicles/latest', headers: as(keys[0]!) });
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.json()).toMatchObject({ error: 'API_RATE_LIMITED', message: expect.stringContaining('more than 3 requests in 1m with this key (api.rate_limit)') as string, request_id: expect.any(String) as string });
    expect((await app.inject({ method: 'GET', url: '/v1/districts', headers: as(keys[1]!) })).statusCode).toBe(200);
  });

  it('caps the heavy queries one key runs at once (api.max_concurrent_queries) and frees the slot when a query ends', async () => {
    const app = await t.buildApp({ auth: 'required', max_concurrent_queries: 1 });
    const area = { area: { type: 'Polygon', coordinates: [[[-74.2, 45.2], [-73.2, 45.2], [-73.2, 45.9], [-74.2, 45.9], [-74.2, 45.2]]] }, from: new Date(t.fromMs).toISOString(), to: new Date(t.toMs).toISOString(), moving_only: false };
    const burst = await Promise.all(Array.from({ length: 4 }, () => app.inject({ method: 'POST', url: '/v1/area-query', headers: as(keys[0]!), payload: area })));
    const statuses = burst.map((r) => r.statusCode).sort();
    expect(statuses[0]).toBe(200);
    expect(statuses).toContain(429);
    const refused = burst.find((r) => r.statusCode === 429)!;
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json()).toMatchObject({ error: 'API_RATE_LIMITED', message: expect.stringContaining('api.max_concurrent_queries') as string });
    // Light routes do not count, another key has its own slot, and the slot is free again afterwards.
    const [latest, other] = await Promise.all([
      app.inject({ method: 'GET', url: '/v1/vehicles/latest', headers: as(keys[0]!) }),
      app.inject({ method: 'POST', url: '/v1/area-query', headers: as(keys[1]!), payload: area }),
    ]);
    expect([latest.statusCode, other.statusCode]).toEqual([200, 200]);
    expect((await app.inject({ method: 'POST', url: '/v1/area-query', headers: as(keys[0]!), payload: area })).statusCode).toBe(200);
  });

  it('leaves requests without a key alone: api.auth off on loopback is one machine, not a tenant', async () => {
    const app = await t.buildApp({ rate_limit: 2 });
    for (let i = 0; i < 5; i++) expect((await app.inject({ method: 'GET', url: '/v1/districts' })).statusCode).toBe(200);
  });
});
