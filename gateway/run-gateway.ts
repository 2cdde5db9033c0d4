import type { ClickHouseClient } from '../core/clickhouse.ts';
import type { FleetlakeConfig } from '../core/config.ts';
import type { Logger } from '../core/logger.ts';
import { createMetrics, type Metrics } from '../core/metrics.ts';
import { hostname } from 'node:os';
import { createCommandRelay, type CommandRelay } from './command-relay.ts';
import { createCommandStore } from './command-store.ts';
import { createConnectionGuard } from './connection-guard.ts';
import { createDeviceRegistry } from './device-registry.ts';
import { createDeviceStore } from './device-store.ts';
import { createGatewayCore, type GatewayCore } from './gateway-core.ts';
import { startGatewayReporter } from './gateway-reporter.ts';
import { recallPublished } from './resend-memory.ts';
import type { GatewayOutput } from './gateway-output.ts';
import { createGt06Session } from './gt06/gt06-session.ts';
import { startOsmandListener } from './osmand/osmand-listener.ts';
import type { Listener } from './listen.ts';
import { startStreamListener } from './stream-listener.ts';
import { createTeltonikaSession } from './teltonika/teltonika-session.ts';
import { startTeltonikaUdpListener } from './teltonika/teltonika-udp-listener.ts';

export interface RunningGateway {
  /** Bound ports (a configured 0 becomes the port the system picked). */
  readonly ports: { readonly teltonika: number; readonly teltonikaUdp: number; readonly gt06: number; readonly osmand: number };
  readonly core: GatewayCore;
  /** Carries queued commands to this process's devices; `poke` after queuing one in the same process. */
  readonly relay: CommandRelay;
  /** Stops listening, closes connections, waits for writes in flight, closes the output. */
  stop(): Promise<void>;
}

export interface StartGatewayOptions {
  readonly config: Pick<FleetlakeConfig, 'gateway'>;
  readonly client: ClickHouseClient;
  readonly output: GatewayOutput;
  readonly logger: Logger;
  readonly metrics?: Metrics;
}

/** Starts the device registry and the four listeners (Teltonika TCP and UDP, GT06, OsmAnd) on one output. */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const settings = options.config.gateway;
  const { logger, output } = options;
  const metrics = options.metrics ?? createMetrics();
  const registry = await createDeviceRegistry({ store: createDeviceStore(options.client), policy: settings.unknown_devices, refreshMs: settings.registry_refresh.ms, logger });
  const core = createGatewayCore(registry, output, metrics, logger);
  // Within the idle timeout a device still resends what it was not acknowledged; older frames it has given up on.
  const recalled = await recallPublished(options.client, core, settings.idle_timeout.ms, logger);
  if (recalled > 0) logger.info({ frames: recalled }, 'recalled recently published frames from the archive, to recognise resends');
  const instance = `gateway ${hostname()}:${process.pid}`;
  const relay = createCommandRelay({
    store: createCommandStore(options.client), commands: core.commands, actor: instance,
    pollMs: settings.command_poll.ms, answerTimeoutMs: settings.command_answer_timeout.ms, logger,
  });
  const stopReporter = startGatewayReporter({ client: options.client, core, instance, intervalMs: settings.report_interval.ms, logger });
  const guard = createConnectionGuard(settings.max_connections, settings.max_connections_per_address);
  const common = { host: settings.host, guard, core, idleMs: settings.idle_timeout.ms, frameMs: settings.frame_timeout.ms, logger };
  const listeners: Listener[] = [];
  try {
    const teltonika = await startStreamListener({
      ...common,
      protocol: 'teltonika',
      port: settings.teltonika_port,
      createSession: (remote, write) => createTeltonikaSession(core, remote, settings.max_frame_bytes, write),
    });
    listeners.push(teltonika);
    // UDP on the same port number as TCP, as Traccar does (with port 0, the one TCP got).
    const udp = await startTeltonikaUdpListener({ host: settings.host, port: teltonika.port, core, maxFrameBytes: settings.max_frame_bytes, logger });
    listeners.push(udp);
    const gt06 = await startStreamListener({ ...common, protocol: 'gt06', port: settings.gt06_port, createSession: (remote, write) => createGt06Session(core, remote, settings.max_frame_bytes, write) });
    listeners.push(gt06);
    const osmand = await startOsmandListener({ ...common, port: settings.osmand_port, maxBodyBytes: settings.max_frame_bytes });
    listeners.push(osmand);
    logger.info({ teltonika: teltonika.port, gt06: gt06.port, osmand: osmand.port, host: settings.host }, 'gateway listening');
    return {
      ports: { teltonika: teltonika.port, teltonikaUdp: udp.port, gt06: gt06.port, osmand: osmand.port },
      core,
      relay,
      async stop() {
        stopReporter();
        relay.close();
        await Promise.all(listeners.map((l) => l.close()));
        registry.close();
        await output.close();
      },
    };
  } catch (err) {
    stopReporter();
    relay.close();
    await Promise.all(listeners.map((l) => l.close()));
    registry.close();
    throw err;
  }
}
