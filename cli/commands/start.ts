import { startAllInOne } from '../../allinone/run-all-in-one.ts';
import { parseCommandArgs, usageError } from '../args.ts';
import type { Command } from '../command.ts';

export const startCommand: Command = {
  name: 'start',
  summary: 'run everything in one process: migrate, a live fleet, the device gateway, ingest and the query API (what `npm start` runs)',
  help: `Usage: fleetlake start [--vehicles 1000] [--interval 5s] [--port 3000] [--host 127.0.0.1]
                       [--seed 1] [--clickhouse-http-port 8123]
                       [--teltonika-port 5027] [--gt06-port 5023] [--osmand-port 5055]

One process runs migrate, a live generator, the device gateway, ingest and the
query API on one lake: the embedded engine in FLEETLAKE_DATA_DIR (default
./data) unless CLICKHOUSE_URL is set. Without KAFKA_BROKERS, generator, gateway
and ingest are joined by a bounded in-process queue that goes through the same
ingest core as Kafka (devices are acknowledged once the queue took their
positions, and raw frames go straight into fleet.device_frames); with
KAFKA_BROKERS set, they go through the broker.

The gateway listens for real trackers as \`fleetlake gateway\` does, on
gateway.host (default 0.0.0.0): Teltonika on 5027 (TCP and UDP), GT06 on 5023,
Traccar Client on 5055 (another free port, with a warning, when one is taken).
Register devices with \`fleetlake devices add\` before start (start owns the
embedded lake while it runs), or set gateway.unknown_devices=register.

Open http://127.0.0.1:3000 for what is running and how to query it. Ctrl-C
stops cleanly: everything the generator handed over is stored first. Starting
again continues on the same data.

The embedded lake is owned by this process, so it is also served read-only
over ClickHouse's HTTP interface on 127.0.0.1 (--clickhouse-http-port, default
8123; another free port if that one is taken): \`fleetlake sql\` in another
terminal finds it by itself, and anything that speaks ClickHouse HTTP can use
CLICKHOUSE_URL=http://127.0.0.1:8123.

  --vehicles N              fleet size (default generator.vehicles, 1000); 0 runs no
                            generator: a lake fed by devices only
  --interval D              report interval per vehicle, e.g. 5s (default generator.interval)
  --port N                  API port (default api.port, 3000; 0 picks a free one)
  --host H                  API address (default api.host, 127.0.0.1)
  --seed S                  generator seed (default generator.seed)
  --clickhouse-http-port N  the lake's read-only ClickHouse HTTP port (default 8123)
  --teltonika-port N        gateway.teltonika_port (default 5027)
  --gt06-port N             gateway.gt06_port (default 5023)
  --osmand-port N           gateway.osmand_port (default 5055)`,
  async run(ctx) {
    const { values } = parseCommandArgs('start', ctx.argv, {
      vehicles: { type: 'string' },
      interval: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      'clickhouse-http-port': { type: 'string', default: '8123' },
      'teltonika-port': { type: 'string' },
      'gt06-port': { type: 'string' },
      'osmand-port': { type: 'string' },
    });
    // 0 vehicles is start's own: the generator's config needs at least one.
    const noFleet = values.vehicles !== undefined && values.vehicles.trim() === '0';
    const config = ctx.loadConfig({
      generator: { vehicles: noFleet ? undefined : values.vehicles, interval: values.interval, seed: values.seed },
      api: { port: values.port, host: values.host },
      gateway: { teltonika_port: values['teltonika-port'], gt06_port: values['gt06-port'], osmand_port: values['osmand-port'] },
    });
    const httpPort = Number(values['clickhouse-http-port']);
    if (!Number.isInteger(httpPort) || httpPort < 0 || httpPort > 65535) {
      throw usageError('start', `--clickhouse-http-port ${values['clickhouse-http-port']} is not a port number (0 to 65535)`);
    }
    const lake = await startAllInOne(
      config,
      {
        vehicles: noFleet ? 0 : config.generator.vehicles,
        intervalMs: config.generator.interval.ms,
        seed: config.generator.seed,
        host: config.api.host,
        port: config.api.port,
        clickhouseHttpPort: httpPort,
      },
      ctx.logger,
    );
    ctx.stdout.write(`fleetlake is running: ${lake.apiUrl}\n`);
    if (lake.clickhouseHttpUrl) ctx.stdout.write(`the lake, read-only over ClickHouse HTTP: ${lake.clickhouseHttpUrl}\n`);
    const { teltonika, gt06, osmand } = lake.gatewayPorts;
    ctx.stdout.write(`trackers: Teltonika ${teltonika} (TCP and UDP), GT06 ${gt06}, Traccar Client http://${config.gateway.host}:${osmand}\n`);
    ctx.stdout.write('Ctrl-C stops it.\n');
    ctx.stopSignal.addEventListener('abort', () => void lake.stop(), { once: true });
    await lake.done;
    ctx.stdout.write('stopped; everything accepted is stored.\n');
    return 0;
  },
};
