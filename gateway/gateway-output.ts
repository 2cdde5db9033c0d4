import type { FleetlakeConfig } from '../core/config.ts';
import type { Logger } from '../core/logger.ts';
import type { OutgoingMessage, PositionSink } from '../generator/sink.ts';
import { createKafkaSink } from '../generator/sinks/kafka-sink.ts';

/**
 * Where the gateway's messages go. `write` resolves only once both the
 * positions and the archived frames are durable (the broker acknowledged them
 * with acks=all); only then does a device get its ACK.
 */
export interface GatewayOutput {
  write(positions: readonly OutgoingMessage[], frames: readonly OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

/** Two sinks (positions topic, frames topic) behind one group commit. */
export function createSinkOutput(positions: PositionSink, frames: PositionSink): GatewayOutput {
  return createGroupCommit(async (p, f) => {
    await Promise.all([p.length > 0 ? positions.send(p) : undefined, f.length > 0 ? frames.send(f) : undefined]);
  }, async () => {
    await Promise.all([positions.close(), frames.close()]);
  });
}

/** The Kafka output, built by the generator's own Kafka sink (one producer setup for the whole project). */
export async function createKafkaOutput(config: Pick<FleetlakeConfig, 'kafka' | 'gateway'>, logger: Logger): Promise<GatewayOutput> {
  const { brokers, client_id, topic, partitions } = config.kafka;
  const { compression, frames_topic } = config.gateway;
  const positions = await createKafkaSink({ brokers, clientId: `${client_id}-gateway`, topic, partitions, compression, logger });
  try {
    const frames = await createKafkaSink({ brokers, clientId: `${client_id}-gateway-frames`, topic: frames_topic, partitions, compression, logger });
    return createSinkOutput(positions, frames);
  } catch (err) {
    await positions.close();
    throw err;
  }
}

/**
 * Group commit: writes arriving while sends are in flight wait and go
 * together in the next one, so thousands of connections each waiting for
 * their ACK cost a few produce requests, not one each. Up to `maxInFlight`
 * sends overlap (a produce with acks=all is mostly waiting): order is still
 * kept per device, which has at most one frame waiting for its ACK.
 */
export function createGroupCommit(
  send: (positions: OutgoingMessage[], frames: OutgoingMessage[]) => Promise<void>,
  close: () => Promise<void>,
  maxInFlight = 4,
): GatewayOutput {
  interface Waiter {
    positions: readonly OutgoingMessage[];
    frames: readonly OutgoingMessage[];
    resolve: () => void;
    reject: (err: unknown) => void;
  }
  let queue: Waiter[] = [];
  let inFlight = 0;
  let idle: (() => void) | undefined;
  const start = () => {
    if (inFlight >= maxInFlight || queue.length === 0) return;
    const batch = queue;
    queue = [];
    inFlight++;
    send(batch.flatMap((w) => w.positions), batch.flatMap((w) => w.frames)).then(
      () => batch.forEach((w) => w.resolve()),
      (err: unknown) => batch.forEach((w) => w.reject(err)),
    ).finally(() => {
      inFlight--;
      start();
      if (inFlight === 0 && queue.length === 0) idle?.();
    });
  };
  return {
    write(positions, frames) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ positions, frames, resolve, reject });
        start();
      });
    },
    async close() {
      if (inFlight > 0 || queue.length > 0) await new Promise<void>((resolve) => (idle = resolve));
      await close();
    },
  };
}
