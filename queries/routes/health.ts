import type { FastifyInstance } from 'fastify';
import { errorMessage } from '../../core/errors.ts';

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
    { schema: { tags: ['operations'], summary: 'Prometheus metrics (text exposition format)', produces: ['text/plain'] } },
    async (_request, reply) => reply.type(app.metrics.registry.contentType).send(await app.metrics.registry.metrics()),
  );
}
