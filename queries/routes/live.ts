import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { isUnrestricted, restrictionParams } from '../auth/restriction.ts';
import { createLiveFeed, type LiveEvent } from '../live-feed.ts';
import { errorResponses } from '../schemas.ts';

/** A comment line this often keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

/**
 * GET /v1/live: every vehicle's last position as Server-Sent Events, read
 * from fleet.latest_positions by the app's live feed (app.live).
 */
export async function liveRoutes(app: FastifyInstance): Promise<void> {
  const open = new Set<ServerResponse>();
  // Fastify's close waits for requests to end; an event stream never does by itself.
  app.addHook('preClose', async () => {
    for (const response of open) response.end();
  });

  app.get(
    '/v1/live',
    {
      config: { scope: 'live' },
      schema: {
        tags: ['vehicles'],
        summary: 'every vehicle\'s last position, then each change, as Server-Sent Events',
        description:
          'event `snapshot`: {"positions": [...]} with every vehicle (as /v1/vehicles/latest), sent first; ' +
          'event `changes`: {"positions": [...]} with the vehicles whose last position moved on; ' +
          'event `problem`: {"message"} when a read of fleet.latest_positions failed (the stream stays open and retries). ' +
          `fleet.latest_positions is read every map.live_interval = ${app.api.map.live_interval.text}, and in \`fleetlake start\` also after every ingested batch.`,
        response: {
          200: { description: 'the event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
      response.write('retry: 2000\n\n');
      open.add(response);
      const send = (event: LiveEvent) => {
        const [name, data] = event.kind === 'error' ? ['problem', { message: event.message }] : [event.kind, { positions: event.positions }];
        response.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      // A restricted key gets a feed of its own, filtered in SQL like every other route: the shared one sees every vehicle.
      const restriction = restrictionParams(request.apiKey);
      const own = isUnrestricted(restriction)
        ? undefined
        : createLiveFeed({ queries: app.queries, intervalMs: app.api.map.live_interval.ms, maxVehicles: app.api.map.live_max_vehicles, restriction });
      const unsubscribe = (own ?? app.live).subscribe(send);
      const heartbeat = setInterval(() => response.write(': still here\n\n'), HEARTBEAT_MS);
      request.raw.once('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
        own?.close();
        open.delete(response);
      });
    },
  );
}
