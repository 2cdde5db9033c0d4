import { randomUUID } from 'node:crypto';
import { fastify, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ClickHouseClient, ClickHouseMode } from '../core/clickhouse.ts';
import { queryRows } from '../core/clickhouse.ts';
import type { FleetlakeConfig } from '../core/config.ts';
import { FleetlakeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { createMetrics, type Metrics } from '../core/metrics.ts';
import { frameworkError, installErrorHandling, MAX_PARAM_LENGTH, sendError } from './error-handler.ts';
import { loadNamedQueries, NAMED_SQL_DIR } from './named-sql.ts';
import { createLiveFeed, type LiveFeed } from './live-feed.ts';
import { createQueryRunner, type QueryRunner } from './query-runner.ts';
import { watchPeriodBound, type PeriodBound } from './period-bound.ts';
import { createAuditLog, type AuditLog } from './audit-log.ts';
import { installAudit } from './audit-hook.ts';
import { installLimits } from './auth/limits.ts';
import { installAuth, resolveAuthMode, type AuthMode } from './auth/auth-hook.ts';
import { UNRESTRICTED } from './auth/restriction.ts';
import { areaPositionsRoutes } from './routes/area-positions.ts';
import { areaQueryRoutes } from './routes/area-query.ts';
import { erasureRoutes } from './routes/erasure.ts';
import { keyRoutes } from './routes/keys.ts';
import { districtRoutes } from './routes/districts.ts';
import { occupancyRoutes } from './routes/occupancy.ts';
import { deviceRoutes } from './routes/devices.ts';
import { deviceCommandRoutes } from './routes/device-commands.ts';
import { healthRoutes } from './routes/health.ts';
import { heatmapRoutes } from './routes/heatmap.ts';
import { liveRoutes } from './routes/live.ts';
import { mapPageRoutes } from './routes/map-page.ts';
import { registerOpenApi } from './routes/openapi.ts';
import { vehicleRoutes } from './routes/vehicles.ts';
import { errorSchema } from './schemas.ts';

/** What every route reads besides the request: the API section of the configuration and the clock. */
export interface ApiSettings {
  readonly config: FleetlakeConfig['api'];
  /** Whether /v1 needs keys: api.auth as it applies to api.host. */
  readonly auth: AuthMode;
  /** The /map page and its live feed. */
  readonly map: FleetlakeConfig['map'];
  readonly mode: ClickHouseMode | 'unknown';
  /** The command settings (gateway.command_expiry). */
  readonly gateway: FleetlakeConfig['gateway'];
  /** Tells a gateway in the same process that a device has a new command (`fleetlake start`); elsewhere the gateways poll. */
  readonly commandQueued: (deviceId: string) => void;
  /** Milliseconds since the epoch; injected so "now" is testable. */
  readonly now: () => number;
}

/** How often the API rereads fleet.positions' parts for its period bound: what 30 s of ingest adds (6 M positions at 200 k/s) reads in well under the time budget. */
const PERIOD_BOUND_REFRESH_MS = 30_000;

declare module 'fastify' {
  interface FastifyInstance {
    clickhouse: ClickHouseClient;
    queries: QueryRunner;
    api: ApiSettings;
    metrics: Metrics;
    audit: AuditLog;
    /** Writes audit rows and erasures; everything else reads through `clickhouse`. */
    writer: ClickHouseClient;
    live: LiveFeed;
    /** What a period of fleet.positions can hold at most, from the parts' metadata: lets area queries skip the index estimate. */
    periodBound: PeriodBound;
  }
}

export interface BuildAppOptions {
  /** An open lake: `openClickHouse(config)` gives one (its `mode` shows in /health). */
  readonly clickhouse: { readonly client: ClickHouseClient; readonly mode?: ClickHouseMode };
  readonly config: FleetlakeConfig;
  readonly logger?: Logger;
  /**
   * The client the API writes with: audit rows and erasures. Its user needs
   * INSERT on fleet.api_audit and ALTER DELETE on the tables holding
   * positions, nothing more (schema/clickhouse/users.d). Default: the lake's client.
   */
  readonly writer?: ClickHouseClient;
  /** Shared with the rest of the process for one /metrics; a fresh registry otherwise. */
  readonly metrics?: Metrics;
  readonly now?: () => number;
  readonly namedSqlDir?: string;
  /** See ApiSettings.commandQueued. */
  readonly commandQueued?: (deviceId: string) => void;
}

/**
 * The query API as a Fastify instance, not yet listening: route groups are
 * plugins, the ClickHouse client and the named-query runner are decorators,
 * and every route declares its schemas (OpenAPI at /openapi.json, /docs).
 * Callers may register more plugins before `listen()` (the all-in-one does).
 */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const api = config.api;
  if (api.default_limit > api.max_limit) {
    throw new FleetlakeError('CONFIG_INVALID', { detail: `config: api.default_limit = ${api.default_limit} must not exceed api.max_limit = ${api.max_limit}: lower FLEETLAKE_API_DEFAULT_LIMIT or raise FLEETLAKE_API_MAX_LIMIT` });
  }
  const auth = resolveAuthMode(api.auth, api.host);
  const client = options.clickhouse.client;
  const metrics = options.metrics ?? createMetrics();
  const queries = createQueryRunner({
    client,
    queries: loadNamedQueries(options.namedSqlDir ?? NAMED_SQL_DIR),
    budgetMs: api.query_timeout.ms,
    setReadonly: (await readonlyLevel(client)) === 0,
    metrics,
  });

  const bodyLimit = Math.max(1024 * 1024, api.max_vertices * 64);
  const app = fastify({
    // fastify types its logger against its own pino major; ours is a newer pino with the same shape.
    ...(options.logger ? { loggerInstance: options.logger as unknown as FastifyBaseLogger } : { logger: false }),
    // Room for an area at api.max_vertices (a vertex is about 40 bytes of JSON).
    bodyLimit,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Unguessable and unique across processes: a client quotes it, the log is searched by it.
    genReqId: () => randomUUID(),
    frameworkErrors: (err, _request, reply) => {
      const error = frameworkError(err, bodyLimit) ?? new FleetlakeError('API_BAD_REQUEST', { detail: 'the request could not be routed' });
      void sendError(reply, error.status, error.code, error.publicMessage);
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
  });
  app.decorate('clickhouse', client);
  app.decorate('queries', queries);
  app.decorate('metrics', metrics);
  const now = options.now ?? Date.now;
  app.decorate('api', { config: api, auth, map: config.map, mode: options.clickhouse.mode ?? 'unknown', gateway: config.gateway, commandQueued: options.commandQueued ?? (() => {}), now } satisfies ApiSettings);
  // One read of fleet.latest_positions for every unrestricted listener; a restricted key's stream reads its own (routes/live.ts).
  const live = createLiveFeed({ queries, intervalMs: config.map.live_interval.ms, maxVehicles: config.map.live_max_vehicles, restriction: UNRESTRICTED });
  app.decorate('live', live);
  app.addHook('onClose', async () => live.close());
  const periodBound = watchPeriodBound(client, PERIOD_BOUND_REFRESH_MS, app.log);
  app.decorate('periodBound', periodBound);
  app.addHook('onClose', async () => periodBound.close());
  // The first answers should not depend on whether the parts were read yet.
  await periodBound.ready;
  app.addSchema(errorSchema);
  installErrorHandling(app);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.apiRequestSeconds.observe({ route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  installAuth(app, { mode: auth, client, now });
  const writer = options.writer ?? client;
  app.decorate('writer', writer);
  const audit = createAuditLog({ client: writer, logger: app.log });
  app.decorate('audit', audit);
  installAudit(app, audit, now);
  await installLimits(app, { requests: api.rate_limit, windowMs: api.rate_window.ms, maxHeavy: api.max_concurrent_queries });
  await registerOpenApi(app);
  await app.register(healthRoutes);
  await app.register(areaQueryRoutes);
  await app.register(areaPositionsRoutes);
  await app.register(vehicleRoutes);
  await app.register(districtRoutes);
  await app.register(occupancyRoutes);
  await app.register(heatmapRoutes);
  await app.register(deviceRoutes);
  await app.register(deviceCommandRoutes);
  await app.register(erasureRoutes);
  await app.register(keyRoutes);
  await app.register(liveRoutes);
  await app.register(mapPageRoutes);
  return app;
}

/**
 * How read-only the client already is: 2 needs no `readonly` of ours, and 1
 * refuses every setting, the time budget included, so it cannot serve the API.
 */
async function readonlyLevel(client: ClickHouseClient): Promise<number> {
  const [row] = await queryRows<{ readonly: string | number }>(client, "SELECT getSetting('readonly') AS readonly");
  const level = Number(row?.readonly ?? 0);
  if (level === 1) {
    throw new FleetlakeError('CONFIG_INVALID', {
      detail: 'the ClickHouse user has readonly = 1, which also forbids the per-query time budget (max_execution_time): give the API a user whose profile sets readonly = 2',
    });
  }
  return level;
}
