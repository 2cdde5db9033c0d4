import type { FastifyInstance } from 'fastify';
import { isActive, listApiKeys } from '../auth/api-key-store.ts';
import { SCOPES } from '../auth/scopes.ts';
import { errorResponses } from '../schemas.ts';

const keySchema = {
  type: 'object',
  required: ['name', 'id', 'scopes', 'state', 'created_at'],
  properties: {
    name: { type: 'string' },
    id: { type: 'string', description: 'the public part of the key (flk_<id>_…)' },
    scopes: { type: 'array', items: { type: 'string', enum: [...SCOPES] } },
    vehicle_group: { type: 'string', description: 'the key sees only this group\'s vehicles' },
    restricted_to_area: { type: 'boolean', description: 'the key sees only positions inside its area' },
    state: { type: 'string', enum: ['active', 'expired', 'revoked'] },
    created_at: { type: 'string', format: 'date-time' },
    expires_at: { type: 'string', format: 'date-time' },
    revoked_at: { type: 'string', format: 'date-time' },
  },
} as const;

/**
 * GET /v1/keys: the keys, for an administrator's review (never a secret or a
 * hash). Keys are created and revoked with `fleetlake keys`, whose ClickHouse
 * user may write them; the API's may not.
 */
export async function keyRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/v1/keys',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['keys'],
        summary: 'every API key with its scopes, restriction and state',
        description: 'Create and revoke keys with `fleetlake keys create|revoke` (docs/security.md).',
        response: { 200: { type: 'object', required: ['keys'], properties: { keys: { type: 'array', items: keySchema } } }, ...errorResponses },
      },
    },
    async (request) => {
      const now = app.api.now();
      const keys = await listApiKeys(app.clickhouse);
      request.auditRows = keys.length;
      const iso = (ms: number) => new Date(ms).toISOString();
      return {
        keys: keys.map((k) => ({
          name: k.name,
          id: k.id,
          scopes: k.scopes,
          ...(k.vehicleGroup ? { vehicle_group: k.vehicleGroup } : {}),
          restricted_to_area: k.area !== undefined,
          state: k.revokedAt !== undefined ? 'revoked' : isActive(k, now) ? 'active' : 'expired',
          created_at: iso(k.createdAt),
          ...(k.expiresAt !== undefined ? { expires_at: iso(k.expiresAt) } : {}),
          ...(k.revokedAt !== undefined ? { revoked_at: iso(k.revokedAt) } : {}),
        })),
      };
    },
  );
}
