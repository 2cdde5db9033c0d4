import { Kafka, logLevel } from './kafkajs.ts';
import { registerKafkaCodecs } from './kafka-codecs.ts';
import { createKafkaLogger } from './kafka-logger.ts';
import { applyKafkajsRequestQueueFix } from './kafkajs-request-queue-fix.ts';
import { applyKafkajsUndecodableBatchIsolation } from './kafkajs-undecodable-batches.ts';
import type { Logger } from './logger.ts';

export interface KafkaClientOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Where kafkajs' own warnings and errors go; without one it stays silent. */
  readonly logger?: Logger;
  /** kafkajs' retries of one request (its default: 5). */
  readonly retries?: number;
  readonly requestTimeoutMs?: number;
  readonly connectionTimeoutMs?: number;
}

/**
 * The one place a Kafka client is made, so that every producer and consumer of
 * fleetlake (ingest, the generator, probes, tests, benchmarks) speaks every
 * compression codec, runs with the same fixes, and a change of client library
 * touches this seam only.
 */
export function createKafkaClient(options: KafkaClientOptions): Kafka {
  registerKafkaCodecs();
  applyKafkajsRequestQueueFix();
  applyKafkajsUndecodableBatchIsolation();
  return new Kafka({
    brokers: [...options.brokers],
    clientId: options.clientId,
    logLevel: options.logger ? logLevel.WARN : logLevel.NOTHING,
    ...(options.logger ? { logCreator: createKafkaLogger(options.logger) } : {}),
    ...(options.retries === undefined ? {} : { retry: { retries: options.retries } }),
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeout: options.requestTimeoutMs }),
    ...(options.connectionTimeoutMs === undefined ? {} : { connectionTimeout: options.connectionTimeoutMs }),
  });
}
