import type { FastifyInstance } from 'fastify';

/**
 * A stand-in for API keys until the security issue's hook is merged: /v1
 * routes answer 401 without a key, 403 to "read-only" on a route whose
 * config.scope is "live", 429 to "busy", and serve "good". The page and
 * its files stay open, as they must for the page to ask for a key.
 */
export function requireKeys(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/v1/')) return;
    const key = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (key === 'good') return;
    if (key === 'read-only') {
      if ((request.routeOptions.config as { scope?: string }).scope !== 'live') return;
      return reply.code(403).send({ error: 'API_FORBIDDEN', message: 'the key lacks the live scope', request_id: request.id });
    }
    if (key === 'busy') return reply.code(429).header('retry-after', '7').send({ error: 'API_RATE_LIMITED', message: 'slow down', request_id: request.id });
    return reply.code(401).send({ error: 'API_UNAUTHORIZED', message: 'send Authorization: Bearer <key>', request_id: request.id });
  });
}
