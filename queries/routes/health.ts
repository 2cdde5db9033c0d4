import type { FastifyInstance } from 'fastify';
import { errorMessage, FleetlakeError } from '../../core/errors.ts';
import { isLoopback } from '../auth/auth-hook.ts';

const healthSchema = {
  type: 'object',
  required: ['status', 'clickhouse'],
  properties: {
    status: { type: 'string', enum: ['ok', 'unavailable'] },
    clickhouse: {
      type: 'object',
      required: ['reachable', 'mode'],
      properties: {
        reachable: { type: 'boolean' },
        mode: { type: 'string', enum: ['embedded', 'server', 'unknown'] },
        latency_ms: { type: 'number' },
      },
    },
  },
} as const;

/** Liveness with ClickHouse reachability, and the process's Prometheus metrics. */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/health',
    {
      schema: {
        tags: ['operations'],
        summary: 'liveness and ClickHouse reachability',
        description: '200 when the API runs and ClickHouse answers a ping; 503 when ClickHouse does not.',
        response: { 200: healthSchema, 503: healthSchema },
      },
    },
    async (request, reply) => {
      const started = performance.now();
      let error: string | undefined;
      try {
        const ping = await app.clickhouse.ping();
        if (!ping.success) error = errorMessage(ping.error);
      } catch (err) {
        error = errorMessage(err);
      }
      // The reason stays in the log: /health is open to anyone who reaches the port.
      if (error !== undefined) request.log.warn({ err: error }, 'ClickHouse did not answer the health ping');
      const clickhouse = { reachable: error === undefined, mode: app.api.mode, latency_ms: performance.now() - started };
      return reply.status(error ? 503 : 200).send({ status: error ? 'unavailable' : 'ok', clickhouse });
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics (text exposition format)',
        description: 'Answers requests from this machine only, unless api.metrics = open.',
        produces: ['text/plain'],
        response: { 200: { type: 'string' }, 403: { description: 'the request came from another machine and api.metrics is loopback', $ref: 'ApiError#' } },
      },
    },
    async (request, reply) => {
      if (app.api.config.metrics === 'loopback' && !isLoopback(request.ip)) {
        throw new FleetlakeError('API_FORBIDDEN_METRICS');
      }
      return reply.type(app.metrics.registry.contentType).send(await app.metrics.registry.metrics());
    },
  );
}
