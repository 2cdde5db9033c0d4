import { setFlagsFromString } from 'node:v8';
import { openClickHouse } from '../../core/clickhouse.ts';
import { FleetlakeError } from '../../core/errors.ts';
import { createMetrics } from '../../core/metrics.ts';
import { archiveFramesTopic } from '../../gateway/frame-archiver.ts';
import { createKafkaOutput } from '../../gateway/gateway-output.ts';
import { startGateway } from '../../gateway/run-gateway.ts';
import { startMetricsServer } from '../../ingest/metrics-server.ts';
import { GATEWAY_REPLAY_HELP, runGatewayReplay } from './gateway-replay.ts';
import { parseCommandArgs } from '../args.ts';
import type { Command } from '../command.ts';

/**
 * The old generation may grow by this percentage between full collections
 * (V8 otherwise picks up to 4× on a machine with memory to spare). What a
 * gateway allocates mostly dies once its frame is acknowledged, but it
 * outlives the young generation while it waits for the broker; at 19,500
 * connections the heap grew to ~520 MB of such garbage around a live set of
 * ~65 MB. 20 % keeps the gateway's RSS near 550 MB instead of 730-800 MB, for
 * more frequent collections: peak throughput 50 k records/s instead of 61 k.
 * Measured in docs/gateway.md (Memory).
 */
const HEAP_GROWING_PERCENT = 20;

export const gatewayCommand: Command = {
  name: 'gateway',
  summary: 'accept real trackers (Teltonika TCP/UDP, GT06/Concox, Traccar Client) and publish their positions to Kafka',
  help: `Usage: fleetlake gateway [--teltonika-port 5027] [--gt06-port 5023] [--osmand-port 5055] [--host 0.0.0.0]
       fleetlake gateway replay --from T --to T [--device ID]

Listens on the ports Traccar uses, so a fleet moving from Traccar only changes
the server address in its devices:
  Teltonika Codec 8 / 8 Extended   TCP and UDP, --teltonika-port (default 5027)
  GT06 / Concox                    TCP, --gt06-port (default 5023)
  OsmAnd / Traccar Client          HTTP, --osmand-port (default 5055)

Every record with a GPS fix becomes a position on kafka.topic (fleet.positions),
keyed by the vehicle the device is registered to ('fleetlake devices'); every
frame received, bad ones included, goes with its outcome to the archive topic
gateway.frames_topic (fleet.device_frames). A device gets its ACK only after the
broker acknowledged both (acks=all); a device that gets none sends again, and a
resend of a frame already published is acknowledged without publishing twice.

Devices not in fleet.devices are refused (Teltonika 00, GT06 no login reply,
HTTP 403), logged and counted, unless gateway.unknown_devices is register
(FLEETLAKE_GATEWAY_UNKNOWN_DEVICES=register): then they are registered under
their own id, for trials.

  --teltonika-port N   gateway.teltonika_port (0 picks a free port)
  --gt06-port N        gateway.gt06_port
  --osmand-port N      gateway.osmand_port
  --host H             gateway.host, the address all listeners bind (default 0.0.0.0)

An archiver in the same process copies the frames topic into the table
fleet.device_frames (consumer group gateway.archive_group; empty turns it off),
which keeps them gateway.raw_retention (90d, set by 'fleetlake migrate').
Commands queued with POST /v1/devices/{id}/commands (fleet.device_commands)
reach the devices connected to this process: it reads the queue every
gateway.command_poll (1s) and when a device logs in. Every
gateway.report_interval (10s) it writes connections, positions/s and ACK
latency into fleet.ingest_metrics for the Devices dashboard.

Needs KAFKA_BROKERS and a migrated lake (the registry is fleet.devices). With the
embedded engine the gateway owns the data directory, so run it against a
ClickHouse server (CLICKHOUSE_URL) when ingest runs in another process.
Prometheus metrics: http://HOST:9465/metrics (gateway.metrics_port). More in
docs/gateway.md.

${GATEWAY_REPLAY_HELP}`,
  async run(ctx) {
    if (ctx.argv[0] === 'replay') return runGatewayReplay(ctx, ctx.argv.slice(1));
    const { values } = parseCommandArgs('gateway', ctx.argv, {
      'teltonika-port': { type: 'string' },
      'gt06-port': { type: 'string' },
      'osmand-port': { type: 'string' },
      host: { type: 'string' },
    });
    const config = ctx.loadConfig({
      gateway: { teltonika_port: values['teltonika-port'], gt06_port: values['gt06-port'], osmand_port: values['osmand-port'], host: values.host },
    });
    if (config.kafka.brokers.length === 0) {
      throw new FleetlakeError('BROKER_UNAVAILABLE', { detail: 'the gateway publishes to Kafka: set KAFKA_BROKERS (config kafka.brokers); `fleetlake broker` starts a local one' });
    }
    setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    const logger = ctx.logger;
    const metrics = createMetrics();
    const ch = openClickHouse(config);
    try {
      const output = await createKafkaOutput(config, logger);
      const gateway = await startGateway({ config, client: ch.client, output, logger, metrics });
      const metricsServer = config.gateway.metrics_port > 0 ? await startMetricsServer({ port: config.gateway.metrics_port, registry: metrics.registry, logger }) : undefined;
      const { teltonika, gt06, osmand } = gateway.ports;
      ctx.stdout.write(`gateway listening on ${config.gateway.host}: teltonika ${teltonika} (tcp+udp), gt06 ${gt06}, osmand ${osmand}\n`);
      const archiving = archiveFramesTopic(config, ch.client, logger, ctx.stopSignal);
      await new Promise<void>((resolve) => ctx.stopSignal.addEventListener('abort', () => resolve(), { once: true }));
      await gateway.stop();
      await archiving;
      await metricsServer?.close();
      ctx.stdout.write('gateway stopped\n');
      return 0;
    } finally {
      await ch.close();
    }
  },
};
