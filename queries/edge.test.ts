import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.ts';
import { NAMED_SQL_DIR } from './named-sql.ts';
import { openApiTestLake, type ApiTestLake } from './testing/api-lake.ts';

interface ErrorBody {
  error: string;
  message: string;
  request_id: string;
}

/** The API's edge: every failure in one shape, nothing internal in it, every status documented. */
describe('query API edge', () => {
  let t: ApiTestLake;
  const logLines: string[] = [];
  let leaky: FastifyInstance;
  let sqlDir: string;
  const period = 'from=2025-03-03T06:00:00Z&to=2025-03-03T07:00:00Z';

  const expectShape = (r: { statusCode: number; headers: Record<string, unknown>; json: <T>() => T; body: string }, status: number, error: string) => {
    expect(r.statusCode, r.body).toBe(status);
    const body = r.json<ErrorBody>();
    expect(Object.keys(body).sort()).toEqual(['error', 'message', 'request_id']);
    expect(body.error).toBe(error);
    expect(body.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers['x-request-id']).toBe(body.request_id);
    return body;
  };

  beforeAll(async () => {
    t = await openApiTestLake({ vehicles: 10, hours: 1 });
    // A named query that fails inside ClickHouse with text a client must not see.
    sqlDir = mkdtempSync(join(tmpdir(), 'fleetlake-sql-'));
    cpSync(NAMED_SQL_DIR, sqlDir, { recursive: true });
    writeFileSync(join(sqlDir, 'districts-list.sql'), "SELECT id, name, polygons FROM fleet.districts WHERE throwIf(1, 'secret-internal-detail') = 0\n");
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _enc, done) => (logLines.push(chunk.toString()), done()) }));
    leaky = await buildApp({ clickhouse: t.lake.ch, config: t.lake.config, logger, namedSqlDir: sqlDir, now: () => t.nowMs });
  });
  afterAll(async () => {
    await leaky?.close();
    await t?.close();
    rmSync(sqlDir, { recursive: true, force: true });
  });

  it('answers a ClickHouse failure 502 without its text, which the log keeps under the request id', async () => {
    const body = expectShape(await leaky.inject({ method: 'GET', url: '/v1/districts' }), 502, 'API_QUERY_FAILED');
    expect(body.message).not.toContain('secret-internal-detail');
    expect(body.message).toContain('request_id');
    const logged = logLines.map((l) => JSON.parse(l) as { reqId?: string; err?: string }).find((l) => l.reqId === body.request_id && l.err);
    expect(logged?.err).toContain('secret-internal-detail');
  });

  it('refuses max_age and instants out of range with 400, not 500', async () => {
    const tooOld = expectShape(await t.app.inject({ method: 'GET', url: '/v1/vehicles/latest?max_age=300000y' }), 400, 'API_BAD_REQUEST');
    expect(tooOld.message).toBe('max_age 300000y is out of range: at most 100y');
    expectShape(await t.app.inject({ method: 'GET', url: '/v1/vehicles/latest?max_age=1e400y' }), 400, 'API_BAD_REQUEST');
    expect((await t.app.inject({ method: 'GET', url: '/v1/vehicles/latest?max_age=100y' })).statusCode).toBe(200);
    const ancient = expectShape(await t.app.inject({ method: 'GET', url: '/v1/vehicles/v-00001/track?from=0001-01-01T00:00:00Z&to=0001-01-02T00:00:00Z' }), 400, 'API_INVALID_PERIOD');
    expect(ancient.message).toContain('from 0001-01-01T00:00:00Z is out of range');
    expectShape(await t.app.inject({ method: 'GET', url: '/v1/districts/d01/count?ts=9999-12-31T00:00:00Z' }), 400, 'API_INVALID_PERIOD');
  });

  it("gives Fastify's own refusals (414, 413, 415, malformed JSON) the API's shape", async () => {
    const long = expectShape(await t.app.inject({ method: 'GET', url: `/v1/vehicles/${'v'.repeat(101)}/track?${period}` }), 414, 'API_URI_TOO_LONG');
    expect(long.message).toBe('a path parameter is longer than 100 characters');
    const big = { area: { type: 'Polygon', coordinates: [[[0, 0]]] }, padding: 'x'.repeat(2 * 1024 * 1024) };
    expectShape(await t.app.inject({ method: 'POST', url: '/v1/area-query', payload: big }), 413, 'API_PAYLOAD_TOO_LARGE');
    expectShape(await t.app.inject({ method: 'POST', url: '/v1/area-query', payload: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'API_UNSUPPORTED_MEDIA_TYPE');
    const malformed = expectShape(await t.app.inject({ method: 'POST', url: '/v1/area-query', payload: '{"area": ', headers: { 'content-type': 'application/json' } }), 400, 'API_BAD_REQUEST');
    expect(malformed.message).not.toContain('FST_');
    expectShape(await t.app.inject({ method: 'GET', url: '/v1/nowhere' }), 404, 'API_NOT_FOUND');
  });

  it('documents every status the API and Fastify can give on every /v1 operation', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }>();
    const operations = Object.entries(doc.paths).filter(([path]) => path.startsWith('/v1/')).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
    expect(operations.length).toBeGreaterThan(5);
    for (const { path, method, op } of operations) {
      expect(Object.keys(op.responses), `${method} ${path}`).toEqual(expect.arrayContaining(['400', '401', '403', '404', '413', '414', '429', '500', '502', '503', '504']));
    }
  });

  it('reports an unreachable ClickHouse on /health and in 503s without its error text', async () => {
    await t.lake.ch.close();
    const health = await t.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toEqual({ status: 'unavailable', clickhouse: { reachable: false, mode: 'embedded', latency_ms: expect.any(Number) as number } });
    const body = expectShape(await t.app.inject({ method: 'POST', url: '/v1/area-query', payload: { area: { district_id: 'd01' }, from: '2025-03-03T06:00:00Z', to: '2025-03-03T07:00:00Z' } }), 503, 'CLICKHOUSE_UNAVAILABLE');
    expect(body.message).toBe('ClickHouse is unavailable; try again later (the server log has the details under this request_id)');
  });
});
