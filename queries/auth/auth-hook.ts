import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ClickHouseClient } from '../../core/clickhouse.ts';
import { FleetlakeError } from '../../core/errors.ts';
import { findApiKey, isActive, type ApiKey } from './api-key-store.ts';
import { keyFingerprint } from './key-secret.ts';
import { SCOPES } from './scopes.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The key the request came with; with api.auth off, the all-scopes local key. Null on routes that need none. */
    apiKey: ApiKey | null;
  }
}

export type AuthMode = 'required' | 'off';

/** Who calls when api.auth is off: every scope, no restriction. */
export const LOCAL_KEY: ApiKey = { id: 'local', name: 'local (auth off)', scopes: SCOPES, createdAt: 0 };

/** Name of the OpenAPI security scheme; swagger-ui's Authorize button takes the key there. */
export const SECURITY_SCHEME = 'apiKey';

export const securitySchemes = {
  [SECURITY_SCHEME]: {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key from `fleetlake keys create` (flk_…), sent as `Authorization: Bearer <key>`.',
  },
} as const;

/** How long a checked key is believed: a revoked key stops working within this long. */
export const KEY_CACHE_MS = 10_000;
const KEY_CACHE_MAX = 10_000;

export interface AuthOptions {
  readonly mode: AuthMode;
  /** Reads fleet.api_keys. */
  readonly client: ClickHouseClient;
  readonly now: () => number;
}

/**
 * Installs the one check every /v1 route goes through. A route says which
 * scope it needs with `config: { scope }`; a /v1 route that says nothing fails
 * at registration, so a new route cannot be open by mistake. The key comes as
 * `Authorization: Bearer <key>`: none, an unknown or an expired one is a 401,
 * one without the scope a 403. Install before the route plugins and the
 * OpenAPI, which then show each route's scope and security requirement.
 */
export function installAuth(app: FastifyInstance, options: AuthOptions): void {
  const cache = new Map<string, { key: ApiKey | undefined; until: number }>();
  app.decorateRequest('apiKey', null);

  app.addHook('onRoute', (route) => {
    const url = route.url ?? route.path;
    const scope = route.config?.scope;
    if (!url.startsWith('/v1/')) return;
    if (scope === undefined) throw new Error(`route ${String(route.method)} ${url} declares no scope: add config: { scope: 'read' | 'live' | 'devices' | 'admin' | 'public' }`);
    if (scope === 'public') return;
    const schema = route.schema ?? {};
    const description = typeof schema.description === 'string' ? `${schema.description}\n\n` : '';
    route.schema = { ...schema, description: `${description}Needs an API key with the \`${scope}\` scope.`, security: [{ [SECURITY_SCHEME]: [] }] };
  });

  const lookUp = async (token: string): Promise<ApiKey | undefined> => {
    const now = options.now();
    const fingerprint = keyFingerprint(token);
    const cached = cache.get(fingerprint);
    if (cached && cached.until > now) return cached.key;
    const key = await findApiKey(options.client, token);
    if (cache.size >= KEY_CACHE_MAX) cache.clear();
    cache.set(fingerprint, { key, until: now + KEY_CACHE_MS });
    return key;
  };

  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    const scope = request.routeOptions.config.scope;
    if (scope === undefined || scope === 'public') return;
    if (options.mode === 'off') {
      request.apiKey = LOCAL_KEY;
      return;
    }
    const unauthorized = (detail: string) => {
      void reply.header('www-authenticate', 'Bearer realm="fleetlake"');
      return new FleetlakeError('API_UNAUTHORIZED', { detail });
    };
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) throw unauthorized('send an API key as Authorization: Bearer <key> (fleetlake keys create makes one)');
    const key = await lookUp(token);
    if (!key) throw unauthorized('the API key is not known (or was mistyped)');
    if (!isActive(key, options.now())) {
      throw unauthorized(key.revokedAt !== undefined ? `the API key ${key.name} was revoked` : `the API key ${key.name} expired on ${new Date(key.expiresAt ?? 0).toISOString()}`);
    }
    if (!key.scopes.includes(scope)) throw new FleetlakeError('API_FORBIDDEN', { scope, route: `${request.method} ${request.routeOptions.url ?? ''}` });
    request.apiKey = key;
  });
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/i;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host.replace(/^\[|\]$/g, ''));
}

/**
 * api.auth as it applies to a host: `auto` is off on loopback and required
 * elsewhere; `off` anywhere but loopback is refused, since it would publish
 * every vehicle's history to whoever reaches the port.
 */
export function resolveAuthMode(setting: 'auto' | 'required' | 'off', host: string): AuthMode {
  const loopback = isLoopback(host);
  if (setting === 'off' && !loopback) {
    throw new FleetlakeError('CONFIG_INVALID', {
      detail: `config: api.auth = off is refused on ${host}, which is not a loopback address: create a key with 'fleetlake keys create' and leave api.auth required`,
    });
  }
  if (setting === 'auto') return loopback ? 'off' : 'required';
  return setting;
}

/** One line for logs and pages saying what a caller needs. */
export function describeAuth(mode: AuthMode): string {
  return mode === 'off'
    ? 'API authentication is off (api.auth, loopback only): anyone on this machine can read every position; set api.auth = required to ask for keys'
    : "API keys required on /v1 (Authorization: Bearer <key>; 'fleetlake keys create' makes one)";
}
