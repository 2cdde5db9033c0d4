import { createReadStream } from 'node:fs';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
// Brings in the schema keys @fastify/swagger adds (hide).
import type {} from '@fastify/swagger';
import { VEHICLE_TYPES } from '../../generator/vehicle-types.ts';
import { mapBundle } from '../map-bundle.ts';

const PAGE = readFileSync(new URL('../../map/index.html', import.meta.url), 'utf8');
// MapLibre starts its worker from this file, next to the bundle (maplibregl.setWorkerUrl in map/client/main.ts).
const MAPLIBRE_WORKER = fileURLToPath(import.meta.resolve('maplibre-gl/dist/maplibre-gl-worker.mjs'));

/** What the page reads at start (map/client/page-config.ts). */
export interface PageConfig {
  readonly styleUrl: string;
  readonly staleAfterMs: number;
  readonly movingThresholdKmh: number;
  readonly maxPeriodMs: number;
  readonly vehicleTypes: readonly string[];
}

/**
 * GET /map: the live map, area queries and replay in a browser, and the
 * files it loads. The page itself holds no data; what it shows comes from
 * the /v1 routes, with the caller's key when the API asks for one.
 */
export async function mapPageRoutes(app: FastifyInstance): Promise<void> {
  const config: PageConfig = {
    styleUrl: app.api.map.style_url,
    staleAfterMs: app.api.map.stale_after.ms,
    movingThresholdKmh: app.api.config.moving_threshold_kmh,
    maxPeriodMs: app.api.config.max_period.ms,
    vehicleTypes: VEHICLE_TYPES,
  };
  // '<' escaped so no value can close the script element it sits in.
  const html = PAGE.replace('__PAGE_CONFIG__', JSON.stringify(config).replace(/</g, '\\u003c'));
  const hidden = { schema: { hide: true } };

  app.get('/map', hidden, async (_request, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html));
  app.get('/map/app.js', hidden, async (_request, reply) => reply.type('text/javascript; charset=utf-8').send((await mapBundle()).script));
  app.get('/map/live-worker.js', hidden, async (_request, reply) => reply.type('text/javascript; charset=utf-8').send((await mapBundle()).liveWorker));
  app.get('/map/app.css', hidden, async (_request, reply) => reply.type('text/css; charset=utf-8').send((await mapBundle()).css));
  app.get('/map/maplibre-gl-worker.mjs', hidden, async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(createReadStream(MAPLIBRE_WORKER)));
}
