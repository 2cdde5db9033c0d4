import { fastifySwagger } from '@fastify/swagger';
import { fastifySwaggerUi } from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { securitySchemes } from '../auth/auth-hook.ts';

/**
 * OpenAPI 3 from the route schemas, at /openapi.json, with swagger-ui at
 * /docs. Registered on the root instance (not as an encapsulated plugin) so
 * it sees the routes of every route plugin registered after it.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'fleetlake query API',
        version: '1',
        description:
          'Which vehicles were where, when: exact area + period queries over the fleet positions lake, ' +
          'vehicle tracks, latest positions, district counts and heatmaps. Every query is a named SQL file in queries/sql/ ' +
          'that also runs with clickhouse-client. Errors are {error, message, request_id}. ' +
          '/v1 routes need an API key (`fleetlake keys create`) as `Authorization: Bearer <key>` unless api.auth is off; ' +
          'each route names the scope it needs. Use Authorize to paste a key.',
      },
      components: { securitySchemes },
      tags: [
        { name: 'areas', description: 'vehicles in an area during a period' },
        { name: 'vehicles', description: 'tracks and latest positions' },
        { name: 'districts', description: 'the city districts and who is in them' },
        { name: 'heatmap', description: 'positions per H3 cell' },
        { name: 'erasure', description: "erasing a vehicle's positions (admin)" },
        { name: 'keys', description: 'the API keys (admin)' },
        { name: 'operations', description: 'health and metrics' },
      ],
    },
    // Shared schemas keep their $id as the component name (ApiError, not def-0).
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', uiConfig: { persistAuthorization: true } });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
