import { openClickHouse } from '../../core/clickhouse.ts';
import { buildApp } from '../../queries/app.ts';
import { prepareLake } from '../../queries/lake-check.ts';
import { parseCommandArgs, usageError } from '../args.ts';
import type { Command } from '../command.ts';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the query API (HTTP, OpenAPI at /openapi.json, docs at /docs) and the map at /map',
  help: `Usage: fleetlake serve [--port 3000] [--host 127.0.0.1]

Serves the query API on the configured ClickHouse: a server when CLICKHOUSE_URL
is set, otherwise the embedded engine in FLEETLAKE_DATA_DIR (default ./data).
The schema must exist (run 'fleetlake migrate' first); when fleet.districts is
empty the built-in Montréal districts are loaded ('fleetlake districts load'
replaces them). Stops cleanly on Ctrl-C.

  --port N     port (default api.port = 3000, FLEETLAKE_API_PORT; 0 picks a free one)
  --host H     address (default api.host = 127.0.0.1, FLEETLAKE_API_HOST)

Endpoints: POST /v1/area-query, GET /v1/vehicles/{id}/track,
GET /v1/vehicles/latest, GET /v1/districts, GET /v1/districts/{id}/count,
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
      const districts = await prepareLake(ch.client);
      if (districts.loadedFrom) ctx.logger.info({ file: districts.loadedFrom, districts: districts.count }, 'fleet.districts was empty: loaded the default districts');
      // The API reads through the read-only client; only the district load above writes.
      const app = await buildApp({ clickhouse: { client: ch.reader, mode: ch.mode }, config, logger: ctx.logger });
      const address = await app.listen({ port: config.api.port, host: config.api.host });
      ctx.stdout.write(`fleetlake API on ${address} (lake: ${ch.location}); docs at ${address}/docs, map at ${address}/map\n`);
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
