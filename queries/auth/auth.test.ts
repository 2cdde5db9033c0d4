import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.ts';
import { isFleetlakeError } from '../../core/errors.ts';
import { createSilentLogger } from '../../core/logger.ts';
import { createCommandStore } from '../../gateway/command-store.ts';
import { createDeviceStore } from '../../gateway/device-store.ts';
import { buildApp } from '../app.ts';
import { openApiTestLake, type ApiTestLake } from '../testing/api-lake.ts';
import { createApiKey, revokeApiKey } from './api-key-store.ts';
import { resolveAuthMode } from './auth-hook.ts';
import type { Scope } from './scopes.ts';

interface Operation {
  path: string;
  method: string;
  scope: Scope;
}

/** A command of the device v-00001 (registered below), for GET /v1/devices/{id}/commands/{commandId}. */
const COMMAND_ID = '00000000-0000-4000-8000-000000000001';

/** A request each /v1 operation accepts, so a key with the scope gets past the gate to a 200. */
function requestFor(op: Operation): { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; payload?: Record<string, unknown> } {
  const period = 'from=2025-03-03T06:00:00Z&to=2025-03-03T07:00:00Z';
  const url = op.path.replace('{id}', op.path.startsWith('/v1/districts') ? 'd01' : 'v-00001').replace('{commandId}', COMMAND_ID);
  if (op.method === 'delete') return { method: 'DELETE', url };
  if (op.method === 'put') return { method: 'PUT', url, payload: { vehicle_id: 'v-00001' } };
  if (op.method === 'post' && url.endsWith('/commands')) return { method: 'POST', url, payload: { command: 'getinfo', wait: '0s' } };
  if (op.method === 'post') return { method: 'POST', url, payload: { area: { district_id: 'd01' }, from: '2025-03-03T06:00:00Z', to: '2025-03-03T07:00:00Z' } };
  return { method: 'GET', url: /track|heatmap|occupancy/.test(url) ? `${url}?${period}` : url };
}

/** The answer to one request; /v1/live is an endless event stream, so its answer is taken once its head is written and the stream dropped. */
async function injectOnce(app: FastifyInstance, request: ReturnType<typeof requestFor> & { headers: Record<string, string> }) {
  if (!request.url.startsWith('/v1/live')) return app.inject(request);
  const r = await app.inject({ ...request, payloadAsStream: true });
  const stream = r.stream();
  let body = '';
  if (r.statusCode === 200) stream.destroy();
  else for await (const chunk of stream) body += String(chunk);
  return { statusCode: r.statusCode, headers: r.headers, body, json: <T = unknown>() => JSON.parse(body) as T };
}

describe('API keys and scopes', () => {
  let t: ApiTestLake;
  let app: FastifyInstance;
  let operations: Operation[];
  const keys: Partial<Record<Scope | 'expired' | 'revoked' | 'all', string>> = {};
  const now = () => t.nowMs;

  beforeAll(async () => {
    t = await openApiTestLake({ vehicles: 10, hours: 1 });
    app = await t.buildApp({ auth: 'required' });
    const create = async (name: string, scopes: Scope[], expiresAt?: number) =>
      (await createApiKey(t.lake.ch.client, { name, scopes, now: t.nowMs - 60_000, ...(expiresAt !== undefined ? { expiresAt } : {}) })).key;
    for (const scope of ['read', 'live', 'devices', 'admin'] as const) keys[scope] = await create(`only-${scope}`, [scope]);
    keys.all = await create('all', ['read', 'live', 'devices', 'admin']);
    keys.expired = await create('expired', ['read', 'live', 'devices', 'admin'], t.nowMs - 1000);
    keys.revoked = await create('revoked', ['read', 'live', 'devices', 'admin']);
    await revokeApiKey(t.lake.ch.client, 'revoked', t.nowMs - 30_000);
    await createDeviceStore(t.lake.ch.client).put([{ device_id: 'v-00001', vehicle_id: 'v-00001', vehicle_type: '', enabled: true }], 'cli');
    await createCommandStore(t.lake.ch.client).record({ command_id: COMMAND_ID, device_id: 'v-00001', command: 'getinfo', status: 'queued', answer: '', created_at_ms: Date.now(), expires_at_ms: Date.now() + 60_000 }, 'test');
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, Record<string, { description?: string; security?: unknown[] }>> }>();
    operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, scope: /`(\w+)` scope/.exec(op.description ?? '')?.[1] as Scope })));
  });
  afterAll(async () => t?.close());

  const call = (op: Operation, key?: string) => injectOnce(app, { ...requestFor(op), headers: key === undefined ? {} : { authorization: `Bearer ${key}` } });

  it('declares every /v1 operation with its scope and the bearer security scheme in the OpenAPI', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{ components: { securitySchemes: Record<string, unknown> }; paths: Record<string, Record<string, { security?: unknown[] }>> }>();
    expect(doc.components.securitySchemes).toEqual({ apiKey: expect.objectContaining({ type: 'http', scheme: 'bearer' }) as unknown });
    expect(operations.map((op) => `${op.method} ${op.path} ${op.scope}`).sort()).toEqual([
      'delete /v1/vehicles/{id} admin',
      'get /v1/devices devices',
      'get /v1/devices/{id}/commands/{commandId} devices',
      'get /v1/districts read',
      'get /v1/districts/{id}/count read',
      'get /v1/districts/{id}/occupancy read',
      'get /v1/heatmap read',
      'get /v1/keys admin',
      'get /v1/live live',
      'get /v1/vehicles/latest live',
      'get /v1/vehicles/{id}/erasure admin',
      'get /v1/vehicles/{id}/track read',
      'post /v1/area-query read',
      'post /v1/area-query/positions read',
      'post /v1/devices/{id}/commands devices',
      'put /v1/devices/{id} devices',
    ]);
    for (const op of operations) expect(doc.paths[op.path]![op.method]!.security).toEqual([{ apiKey: [] }]);
    expect(doc.paths['/health']!.get!.security).toBeUndefined();
    expect((await app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' })).body).toContain('persistAuthorization');
    const listed = (await app.inject({ method: 'GET', url: '/v1/keys', headers: { authorization: `Bearer ${keys.admin}` } })).json<{ keys: { name: string; state: string }[] }>();
    expect(listed.keys.map((k) => `${k.name} ${k.state}`).sort()).toEqual(['all active', 'expired expired', 'only-admin active', 'only-devices active', 'only-live active', 'only-read active', 'revoked revoked']);
    expect(JSON.stringify(listed)).not.toMatch(/hash|salt/);
  });

  it('answers 401 on every route without a key, with an unknown, mistyped, expired or revoked one', async () => {
    const wrongSecret = `${keys.all!.slice(0, -4)}AAAA`;
    for (const op of operations) {
      for (const [why, key, message] of [
        ['none', undefined, 'send an API key as Authorization: Bearer <key>'],
        ['garbage', 'hunter2', 'the API key is not known'],
        ['wrong secret', wrongSecret, 'the API key is not known'],
        ['unknown id', 'flk_0123456789abcdef_' + 'A'.repeat(43), 'the API key is not known'],
        ['expired', keys.expired, 'the API key expired expired on'],
        ['revoked', keys.revoked, 'the API key revoked was revoked'],
      ] as const) {
        const r = await call(op, key);
        expect(r.statusCode, `${op.method} ${op.path} with ${why}: ${r.body}`).toBe(401);
        expect(r.json()).toMatchObject({ error: 'API_UNAUTHORIZED', message: expect.stringContaining(message) as string, request_id: expect.any(String) as string });
        expect(r.headers['www-authenticate']).toBe('Bearer realm="fleetlake"');
      }
    }
  });

  it("guards Fastify's HEAD twins of GET routes as the routes themselves", async () => {
    expect((await app.inject({ method: 'HEAD', url: '/v1/districts' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'HEAD', url: '/v1/vehicles/latest', headers: { authorization: `Bearer ${keys.read}` } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'HEAD', url: '/v1/vehicles/latest', headers: { authorization: `Bearer ${keys.live}` } })).statusCode).toBe(200);
  });

  it('answers 403 to a key without the route scope, and lets a key with it through', async () => {
    for (const op of operations) {
      for (const scope of ['read', 'live', 'devices', 'admin'] as const) {
        const r = await call(op, keys[scope]);
        if (scope === op.scope) expect(r.statusCode, `${op.method} ${op.path} with ${scope}: ${r.body}`).toBeOneOf([200, 202]);
        else {
          expect(r.statusCode, `${op.method} ${op.path} with ${scope}`).toBe(403);
          expect(r.json()).toMatchObject({ error: 'API_FORBIDDEN', message: expect.stringContaining(`lacks the ${op.scope} scope`) as string });
        }
      }
      expect((await call(op, keys.all)).statusCode).toBeOneOf([200, 202]);
    }
  });

  it('keeps /health, /openapi.json and /docs open, and /metrics to loopback unless api.metrics = open', async () => {
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/openapi.json' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    const remote = await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.1.2.3' });
    expect(remote.statusCode).toBe(403);
    expect(remote.json()).toMatchObject({ error: 'API_FORBIDDEN_METRICS' });
    const open = await t.buildApp({ auth: 'required', metrics: 'open' });
    expect((await open.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.1.2.3' })).statusCode).toBe(200);
  });

  it('is off by default on loopback, required elsewhere, and refuses off on a non-loopback host', async () => {
    expect(resolveAuthMode('auto', '127.0.0.1')).toBe('off');
    expect(resolveAuthMode('auto', '::1')).toBe('off');
    expect(resolveAuthMode('auto', 'localhost')).toBe('off');
    expect(resolveAuthMode('auto', '0.0.0.0')).toBe('required');
    expect(resolveAuthMode('auto', '::')).toBe('required');
    expect(resolveAuthMode('required', '127.0.0.1')).toBe('required');
    expect(() => resolveAuthMode('off', '0.0.0.0')).toThrow(/api.auth = off is refused on 0.0.0.0/);
    const config = loadConfig({ env: {}, overrides: { clickhouse: { data_dir: t.lake.dataDir }, api: { host: '0.0.0.0', auth: 'off' } } });
    const refused = await buildApp({ clickhouse: t.lake.ch, config, logger: createSilentLogger() }).catch((e: unknown) => e);
    expect(isFleetlakeError(refused, 'CONFIG_INVALID')).toBe(true);
    // The zero-configuration default on loopback: no key needed.
    const local = t.app;
    expect(local.api.auth).toBe('off');
    expect((await local.inject({ method: 'GET', url: '/v1/districts' })).statusCode).toBe(200);
    const wide = await t.buildApp({ host: '0.0.0.0' });
    expect(wide.api.auth).toBe('required');
    expect((await wide.inject({ method: 'GET', url: '/v1/districts' })).statusCode).toBe(401);
  });

  it('refuses at boot a /v1 route that declares no scope', async () => {
    const config = loadConfig({ env: {}, overrides: { clickhouse: { data_dir: t.lake.dataDir } } });
    const extra = await buildApp({ clickhouse: t.lake.ch, config, logger: createSilentLogger(), now });
    expect(() => extra.get('/v1/open-by-mistake', async () => ({}))).toThrow(/route GET \/v1\/open-by-mistake declares no scope/);
    await extra.close();
  });
});
