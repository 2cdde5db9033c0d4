import { openClickHouse } from '../../core/clickhouse.ts';
import { buildApp } from '../../queries/app.ts';
import { describeAuth } from '../../queries/auth/auth-hook.ts';
import { checkLakeSchema } from '../../queries/lake-check.ts';
import { parseCommandArgs, usageError } from '../args.ts';
import type { Command } from '../command.ts';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the query API (HTTP, OpenAPI at /openapi.json, docs at /docs) and the map at /map',
  help: `Usage: fleetlake serve [--port 3000] [--host 127.0.0.1]

Serves the query API on the configured ClickHouse: a server when CLICKHOUSE_URL
is set, otherwise the embedded engine in FLEETLAKE_DATA_DIR (default ./data).
The schema must exist (run 'fleetlake migrate' first, which also loads the
default districts); serve only reads. /v1 routes need an API key ('fleetlake
keys create') unless api.auth is off, which only a loopback --host allows.
Stops cleanly on Ctrl-C.

  --port N     port (default api.port = 3000, FLEETLAKE_API_PORT; 0 picks a free one)
  --host H     address (default api.host = 127.0.0.1, FLEETLAKE_API_HOST)

Endpoints: POST /v1/area-query, GET /v1/vehicles/{id}/track,
GET /v1/vehicles/latest, GET /v1/districts, GET /v1/districts/{id}/count,
GET /v1/districts/{id}/occupancy,
GET /v1/heatmap, GET /v1/live (Server-Sent Events), GET /health, GET /metrics,
/openapi.json, /docs, and the map page at /map. See docs/api.md and docs/map.md.`,
  async run(ctx) {
    const { values } = parseCommandArgs('serve', ctx.argv, { port: { type: 'string' }, host: { type: 'string' } });
    const api: Record<string, unknown> = {};
    if (values.port !== undefined) {
      const port = Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError('serve', `--port ${values.port} is not a port number (0 to 65535)`);
      api.port = port;
    }
    if (values.host !== undefined) api.host = values.host;
    const config = ctx.loadConfig({ api });
    const ch = openClickHouse(config);
    try {
      await checkLakeSchema(ch.client);
      const app = await buildApp({ clickhouse: { client: ch.reader, mode: ch.mode }, writer: ch.client, config, logger: ctx.logger });
      const address = await app.listen({ port: config.api.port, host: config.api.host });
      ctx.stdout.write(`fleetlake API on ${address} (lake: ${ch.location}); docs at ${address}/docs, map at ${address}/map\n${describeAuth(app.api.auth)}\n`);
      if (app.api.auth === 'off') ctx.logger.warn(describeAuth(app.api.auth));
      await new Promise<void>((resolve) => {
        if (ctx.stopSignal.aborted) resolve();
        else ctx.stopSignal.addEventListener('abort', () => resolve(), { once: true });
      });
      await app.close();
      return 0;
    } finally {
      await ch.close();
    }
  },
};
