import { fastifyRateLimit } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { FleetlakeError } from '../../core/errors.ts';
import { formatDurationMs } from '../../core/duration.ts';
import { LOCAL_KEY } from './auth-hook.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route runs a query over history: it counts against api.max_concurrent_queries. */
    heavy?: boolean;
  }
}

export interface LimitOptions {
  /** Requests per window per key; 0 turns the rate limit off. */
  readonly requests: number;
  readonly windowMs: number;
  /** Heavy queries one key may run at once. */
  readonly maxHeavy: number;
}

/**
 * Whom a limit counts: the request's key. Requests without one (open routes,
 * or api.auth off, which only loopback allows) are not limited: the limits
 * share the lake fairly between keys, not between processes on one machine.
 */
function limitKey(request: FastifyRequest): string | undefined {
  const key = request.apiKey;
  return key && key !== LOCAL_KEY ? key.id : undefined;
}

/**
 * Per-key limits: a request rate (@fastify/rate-limit, counted after the key
 * is known) and a cap on heavy queries running at once, both answered 429
 * with Retry-After in the API's error shape. Install after the auth hook.
 */
export async function installLimits(app: FastifyInstance, options: LimitOptions): Promise<void> {
  if (options.requests > 0) {
    await app.register(fastifyRateLimit, {
      max: options.requests,
      timeWindow: options.windowMs,
      hook: 'preHandler',
      keyGenerator: (request) => limitKey(request) ?? '',
      allowList: (request) => limitKey(request) === undefined,
      errorResponseBuilder: (_request, context) =>
        new FleetlakeError('API_RATE_LIMITED', {
          detail: `more than ${context.max} requests in ${formatDurationMs(options.windowMs)} with this key (api.rate_limit); retry after ${context.after}`,
        }),
    });
  }

  const running = new Map<string, number>();
  const held = new WeakSet<FastifyRequest>();
  const release = (request: FastifyRequest) => {
    const key = limitKey(request);
    if (!held.has(request) || key === undefined) return;
    held.delete(request);
    const left = (running.get(key) ?? 1) - 1;
    if (left > 0) running.set(key, left);
    else running.delete(key);
  };
  app.addHook('onRequest', async (request, reply) => {
    const key = limitKey(request);
    if (!request.routeOptions.config.heavy || key === undefined) return;
    const count = running.get(key) ?? 0;
    if (count >= options.maxHeavy) {
      void reply.header('retry-after', '1');
      throw new FleetlakeError('API_RATE_LIMITED', {
        detail: `this key already runs ${count} heavy queries, the most allowed at once (api.max_concurrent_queries); retry when one has finished`,
      });
    }
    running.set(key, count + 1);
    held.add(request);
  });
  app.addHook('onResponse', async (request) => release(request));
  app.addHook('onRequestAbort', async (request) => release(request));
}
