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
  const positions = await createKafkaSink({ brokers, clientId: `${client_id}-gateway`, topic, partitions, logger });
  try {
    const frames = await createKafkaSink({ brokers, clientId: `${client_id}-gateway-frames`, topic: config.gateway.frames_topic, partitions, logger });
    return createSinkOutput(positions, frames);
  } catch (err) {
    await positions.close();
    throw err;
  }
}

/**
 * Group commit: writes arriving while a send is in flight wait and go
 * together in the next one, so thousands of connections each waiting for
 * their ACK cost a few produce requests, not one each. One send at a time
 * keeps a device's frames in order on the topics.
 */
export function createGroupCommit(
  send: (positions: OutgoingMessage[], frames: OutgoingMessage[]) => Promise<void>,
  close: () => Promise<void>,
): GatewayOutput {
  interface Waiter {
    positions: readonly OutgoingMessage[];
    frames: readonly OutgoingMessage[];
    resolve: () => void;
    reject: (err: unknown) => void;
  }
  let queue: Waiter[] = [];
  let running: Promise<void> | undefined;
  const drain = async () => {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        await send(batch.flatMap((w) => w.positions), batch.flatMap((w) => w.frames));
        for (const w of batch) w.resolve();
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    running = undefined;
  };
  return {
    write(positions, frames) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ positions, frames, resolve, reject });
        running ??= drain();
      });
    },
    async close() {
      await running;
      await close();
    },
  };
}
