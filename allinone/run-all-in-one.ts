import { openClickHouse, type ClickHouseClient } from '../core/clickhouse.ts';
import type { FleetlakeConfig } from '../core/config.ts';
import { errorMessage, isFleetlakeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { createMetrics, type Metrics } from '../core/metrics.ts';
import { createKafkaSink, runGenerator, type PositionSink, type RunSummary } from '../generator/index.ts';
import { createInProcessSource, createKafkaSource, kafkaSourceOptions, runIngest, type IngestSource, type IngestSummary } from '../ingest/index.ts';
import { archiveFramesTopic } from '../gateway/frame-archiver.ts';
import { createFrameTableSink } from '../gateway/frame-table.ts';
import { createSinkOutput, type GatewayOutput } from '../gateway/gateway-output.ts';
import { startGateway, type RunningGateway } from '../gateway/run-gateway.ts';
import { describeAuth } from '../queries/auth/auth-hook.ts';
import { buildApp } from '../queries/app.ts';
import { migrate } from '../schema/migrate.ts';
import { startClickHouseHttp, type ClickHouseHttpEndpoint } from './clickhouse-http.ts';
import { statusPage } from './status-page.ts';

export interface AllInOneOptions {
  /** 0 runs no generator: a lake fed by devices only. */
  readonly vehicles: number;
  readonly intervalMs: number;
  readonly seed: number;
  readonly host: string;
  readonly port: number;
  /** Port of the embedded lake's read-only ClickHouse HTTP interface on loopback; 0 picks a free one. */
  readonly clickhouseHttpPort: number;
}

export interface AllInOne {
  readonly apiUrl: string;
  /** Embedded mode only: where other processes (fleetlake sql, Grafana) read the lake. */
  readonly clickhouseHttpUrl?: string;
  /** The device gateway's bound ports (config gateway.*; a free port where the configured one was taken). */
  readonly gatewayPorts: RunningGateway['ports'];
  /** Stops in the order data flows, so that everything the generator handed over is stored. */
  stop(): Promise<void>;
  /** Settles when a stage fails for good (it rejects) or after stop() (it resolves). */
  readonly done: Promise<void>;
}

/** Positions held between the generator and ingest before the generator waits: bounded, so memory is. */
const IN_PROCESS_CAPACITY = 50_000;

/**
 * fleetlake in one process: migrate, a live generator, the device gateway,
 * ingest and the query API on one lake. Without a broker the generator, the
 * gateway and ingest are joined by a bounded in-process source that goes
 * through the same ingest core (batching, validation, rejects, metrics) as
 * Kafka, and archived device frames go straight into fleet.device_frames;
 * with kafka.brokers set they go through the broker (frames too, copied into
 * fleet.device_frames by the archiver in this process).
 */
export async function startAllInOne(config: FleetlakeConfig, options: AllInOneOptions, logger: Logger): Promise<AllInOne> {
  const ch = openClickHouse(config);
  const cleanup: (() => Promise<void>)[] = [() => ch.close()];
  const unwind = async () => {
    for (const step of cleanup.reverse()) await step().catch((err: unknown) => logger.warn({ err: errorMessage(err) }, 'stopping'));
  };
  try {
    const migrated = await migrate(ch.client, config);
    if (migrated.applied.length > 0) logger.info({ applied: migrated.applied }, 'lake migrated');
    if (migrated.districtsLoaded) logger.info({ districts: migrated.districtsLoaded.count, from: migrated.districtsLoaded.from }, 'districts loaded');

    const metrics = createMetrics();
    const viaBroker = config.kafka.brokers.length > 0;
    const { source, sink, endSource } = viaBroker ? await brokerPath(config, logger) : inProcessPath();
    const ingestStop = new AbortController();
    const ingestConfig = { ...config, ingest: { ...config.ingest, metrics_port: 0 } }; // the API serves /metrics for the whole process
    // The map's live feed reads the lake as soon as ingest committed a batch, not only on its timer.
    let onIngested = () => {};
    const ingestDone = runIngest({
      source,
      client: ch.client,
      config: ingestConfig,
      logger: logger.child({ stage: 'ingest' }),
      metrics,
      signal: ingestStop.signal,
      onBatch: () => onIngested(),
    });

    const generatorStop = new AbortController();
    const generatorDone =
      options.vehicles > 0
        ? runGenerator({ fleet: { vehicles: options.vehicles, intervalMs: options.intervalMs, seed: options.seed }, schedule: { kind: 'live' }, sink, signal: generatorStop.signal, metrics })
        : new Promise<never>(() => {});

    // Devices are acknowledged once the positions are in the same queue (or broker) the generator feeds.
    const frames = viaBroker
      ? await createKafkaSink({ brokers: config.kafka.brokers, clientId: `${config.kafka.client_id}-gateway-frames`, topic: config.gateway.frames_topic, partitions: config.kafka.partitions, logger })
      : createFrameTableSink(ch.client);
    const gateway = await startGatewayOnFreePorts(config, ch.client, createSinkOutput({ send: (batch) => sink.send(batch), close: async () => {} }, frames), metrics, logger.child({ stage: 'gateway' }));
    // Through a broker the archive is the frames topic; copied into fleet.device_frames here, as `fleetlake gateway` does.
    const archiveStop = new AbortController();
    const archiving = viaBroker ? archiveFramesTopic(config, ch.client, logger, archiveStop.signal) : undefined;

    const endpoint = ch.mode === 'embedded' ? await serveLakeOverHttp(ch.reader, options.clickhouseHttpPort, logger) : undefined;
    if (endpoint) {
      ch.advertise(endpoint.url);
      cleanup.push(() => endpoint.close());
    }
    const { teltonika, gt06, osmand } = gateway.ports;
    const describe = () =>
      `migrate, ${options.vehicles > 0 ? `a generator of ${options.vehicles.toLocaleString('en')} vehicles reporting every ${options.intervalMs / 1000} s` : 'no generator'}, ` +
      `a device gateway (Teltonika ${teltonika}, GT06 ${gt06}, OsmAnd ${osmand}), ` +
      `${viaBroker ? `Kafka (${config.kafka.brokers.join(', ')})` : 'an in-process queue'}, ingest and this API, on ${ch.mode === 'embedded' ? `the embedded lake in ${ch.location}` : ch.location}`;
    // Per-request logs stay quiet here (the status page polls); `fleetlake serve` logs them.
    const apiLogger = logger.child({ stage: 'api' }, { level: logger.levelVal > 40 ? logger.level : 'warn' });
    // Commands reach the in-process gateway at once; separate gateways poll the queue.
    const app = await buildApp({ clickhouse: { client: ch.reader, mode: ch.mode }, writer: ch.client, config, logger: apiLogger, metrics, commandQueued: () => gateway.relay.poke() });
    // Said at warn level: the API logger is quiet, and auth off is what an operator must not miss.
    if (app.api.auth === 'off') logger.warn(describeAuth(app.api.auth));
    await app.register(statusPage, { client: ch.reader, describe, clickhouseHttp: endpoint?.url });
    onIngested = () => app.live.poke();
    const apiUrl = await app.listen({ host: options.host, port: options.port });
    cleanup.push(() => app.close());

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        await gateway.stop();
        archiveStop.abort();
        await archiving;
        generatorStop.abort();
        if (options.vehicles > 0) await settle(generatorDone, logger, 'generator');
        await sink.close();
        endSource();
        ingestStop.abort();
        const summary = await settle(ingestDone, logger, 'ingest');
        if (summary) logger.info({ rows: summary.rows, rejects: summary.rejects }, 'ingest flushed');
        await unwind();
      })());
    // A stage that fails for good stops the others: a half-running all-in-one would only mislead.
    const done = Promise.race([generatorDone, ingestDone]).then(
      () => stopping ?? stop(),
      async (err: unknown) => {
        await stop();
        throw err;
      },
    );
    return { apiUrl, clickhouseHttpUrl: endpoint?.url, gatewayPorts: gateway.ports, stop, done };
  } catch (err) {
    await unwind();
    throw err;
  }

  function inProcessPath(): { source: IngestSource; sink: PositionSink; endSource: () => void } {
    const queue = createInProcessSource({ capacity: IN_PROCESS_CAPACITY });
    return { source: queue, sink: { send: (batch) => queue.push(batch), close: async () => {} }, endSource: () => queue.end() };
  }
}

async function brokerPath(config: FleetlakeConfig, logger: Logger): Promise<{ source: IngestSource; sink: PositionSink; endSource: () => void }> {
  const { brokers, client_id, topic, partitions } = config.kafka;
  const sink = await createKafkaSink({ brokers, clientId: client_id, topic, partitions, compression: config.generator.compression, logger: logger.child({ stage: 'generator' }) });
  return { source: createKafkaSource(kafkaSourceOptions(config, logger.child({ stage: 'ingest' }))), sink, endSource: () => {} };
}

/**
 * The gateway on its configured ports, or on free ones when one is taken (as
 * the lake's HTTP port does): a demo must start on a shared machine, and the
 * ports in use are printed and on the status page.
 */
async function startGatewayOnFreePorts(config: FleetlakeConfig, client: ClickHouseClient, output: GatewayOutput, metrics: Metrics, logger: Logger): Promise<RunningGateway> {
  try {
    return await startGateway({ config, client, output, logger, metrics });
  } catch (err) {
    if (!isFleetlakeError(err, 'GATEWAY_PORT_BUSY')) throw err;
    const gateway = { ...config.gateway, teltonika_port: 0, gt06_port: 0, osmand_port: 0 };
    const running = await startGateway({ config: { gateway }, client, output, logger, metrics });
    logger.warn({ wanted: err.message, ports: running.ports }, 'a device port is taken: the gateway listens on other ports');
    return running;
  }
}

/** The port asked for, or any free one when it is taken (a local ClickHouse server often holds 8123). */
async function serveLakeOverHttp(client: ClickHouseClient, port: number, logger: Logger): Promise<ClickHouseHttpEndpoint> {
  try {
    return await startClickHouseHttp(client, { port });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    const endpoint = await startClickHouseHttp(client, { port: 0 });
    logger.warn({ wanted: port, url: endpoint.url }, 'port taken: the lake is served over HTTP on another port');
    return endpoint;
  }
}

async function settle<T extends RunSummary | IngestSummary>(run: Promise<T>, logger: Logger, stage: string): Promise<T | undefined> {
  try {
    return await run;
  } catch (err) {
    logger.error({ err: errorMessage(err), stage }, 'stage failed');
    return undefined;
  }
}

