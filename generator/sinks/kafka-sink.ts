import { Partitioners, type Message, type PartitionMetadata } from '../../core/kafkajs.ts';
import { FleetlakeError, errorMessage } from '../../core/errors.ts';
import { createKafkaClient } from '../../core/kafka-client.ts';
import { CONFIG_SPEC } from '../../core/config-spec.ts';
import { compressionType, type KafkaCompression } from '../../core/kafka-codecs.ts';
import type { Logger } from '../../core/logger.ts';
import type { OutgoingMessage, PositionSink } from '../sink.ts';

export interface KafkaSinkOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly topic: string;
  /** Partitions the topic is created with when it is missing (an existing topic keeps its own). */
  readonly partitions: number;
  /** Default: generator.compression's default (core/config-spec.ts), chosen by measurement. */
  readonly compression?: KafkaCompression;
  /** Messages per produce request (default 500); see send() for why requests stay small. */
  readonly requestMessages?: number;
  readonly logger?: Logger;
}

export interface KafkaSink extends PositionSink {
  readonly topic: string;
  readonly partitions: number;
}

const MISSING_BROKERS_DETAIL =
  'no broker configured: the kafka sink needs KAFKA_BROKERS (config kafka.brokers), e.g. KAFKA_BROKERS=127.0.0.1:9092; `fleetlake broker` starts a local one';

/**
 * Produces positions with kafkajs: key = vehicle id, acks from all in-sync
 * replicas, compressed. Creates the topic when it is missing (brokers like
 * Redpanda and ours do not auto-create topics).
 */
export async function createKafkaSink(options: KafkaSinkOptions): Promise<KafkaSink> {
  if (options.brokers.length === 0) throw new FleetlakeError('BROKER_UNAVAILABLE', { detail: MISSING_BROKERS_DETAIL });
  const { topic, logger } = options;
  const compression = compressionType(options.compression ?? CONFIG_SPEC.generator.compression.default);
  const requestMessages = options.requestMessages ?? 500;
  const unavailable = (what: string, err: unknown) =>
    new FleetlakeError('BROKER_UNAVAILABLE', { detail: `${what} (${options.brokers.join(',')}): ${errorMessage(err)}` }, { cause: err });
  const kafka = createKafkaClient({ brokers: options.brokers, clientId: options.clientId, connectionTimeoutMs: 5000, retries: 5, logger });

  let metadata: PartitionMetadata[];
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: options.partitions }], waitForLeaders: true });
    metadata = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions ?? [];
  } catch (err) {
    throw unavailable(`cannot create or describe topic ${topic}`, err);
  } finally {
    await admin.disconnect().catch(() => {});
  }
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  try {
    await producer.connect();
  } catch (err) {
    throw unavailable('cannot connect the producer', err);
  }

  // Per vehicle, once: its partition (the Java client's murmur2 partitioner) and its key bytes (kafkajs would encode the string for every message).
  const partitioner = Partitioners.DefaultPartitioner();
  const keys = new Map<string, { partition: number; key: Buffer }>();
  const keyFor = (id: string) => {
    let entry = keys.get(id);
    if (!entry) {
      entry = { partition: partitioner({ topic, partitionMetadata: metadata, message: { key: id, value: null } }), key: Buffer.from(id) };
      keys.set(id, entry);
    }
    return entry;
  };

  return {
    topic,
    partitions: metadata.length,
    /**
     * Splits the batch by partition and sends the partitions in parallel, each
     * as a sequence of small requests: order per partition (so per vehicle) is
     * kept, and kafkajs, which groups a request's messages by partition in
     * quadratic time, never sees a large request.
     */
    async send(batch: OutgoingMessage[]) {
      const groups: Message[][] = metadata.map(() => []);
      for (const m of batch) {
        const { partition, key } = keyFor(m.key);
        groups[partition]!.push({ key, value: m.value, partition });
      }
      try {
        await Promise.all(
          groups.map(async (messages) => {
            for (let i = 0; i < messages.length; i += requestMessages) {
              await producer.send({ topic, acks: -1, compression, messages: messages.slice(i, i + requestMessages) });
            }
          }),
        );
      } catch (err) {
        throw unavailable(`sending to topic ${topic} failed`, err);
      }
    },
    async close() {
      await producer.disconnect();
    },
  };
}
