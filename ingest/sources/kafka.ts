import { Partitioners, type Admin, type Consumer, type Producer } from '../../core/kafkajs.ts';
import type { FleetlakeConfig } from '../../core/config.ts';
import { FleetlakeError, errorMessage } from '../../core/errors.ts';
import { classifyFailure } from '../../core/failures.ts';
import { createKafkaClient } from '../../core/kafka-client.ts';
import { probeKafka } from '../../core/kafka-probe.ts';
import { onUndecodableBatch, type UndecodableBatch } from '../../core/kafkajs-undecodable-batches.ts';
import type { Logger } from '../../core/logger.ts';
import { scanPosition } from '../../core/position-scanner.ts';
import { systemClock } from '../../core/clock.ts';
import { configuredBackoff, retryUntilDone, type Backoff } from '../retry.ts';
import type { IngestSource, PartitionLag, Reject } from '../types.ts';
import { createBatchDelivery, type BatchDelivery } from './kafka-delivery.ts';

export interface KafkaSourceOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly topic: string;
  readonly dlqTopic: string;
  readonly groupId: string;
  /** Partitions of the topic when ingest has to create it. */
  readonly partitions: number;
  readonly logger: Logger;
  /** How long the broker waits for a silent member (a killed process) before handing its partitions over. */
  readonly sessionTimeoutMs: number;
  /** Bytes fetched per partition and request (kafkajs default: 1 MiB). */
  readonly maxBytesPerPartition?: number;
  /** Waits between attempts to reach a broker that does not answer at start. */
  readonly reconnect: Backoff;
}

/** The Kafka source as configured: kafka.* plus ingest.group_id and ingest.session_timeout. */
export function kafkaSourceOptions(config: FleetlakeConfig, logger: Logger): KafkaSourceOptions {
  return {
    brokers: config.kafka.brokers,
    clientId: config.kafka.client_id,
    topic: config.kafka.topic,
    dlqTopic: config.kafka.dlq_topic,
    groupId: config.ingest.group_id,
    partitions: config.kafka.partitions,
    sessionTimeoutMs: config.ingest.session_timeout.ms,
    reconnect: configuredBackoff(config.ingest),
    logger,
  };
}

/**
 * Consumes a topic in a consumer group with kafkajs `eachBatch`, autoCommit
 * off: offsets are committed by the core, one batch at a time, after
 * ClickHouse acknowledged it. When the core refuses messages the partition is
 * paused (kafka-delivery.ts). Rebalances and consumer restarts reset the core,
 * since kafkajs then fetches again from the committed offsets.
 */
export function createKafkaSource(options: KafkaSourceOptions): IngestSource {
  const { topic, logger } = options;
  if (options.brokers.length === 0) throw new FleetlakeError('INGEST_NO_BROKER');
  const kafka = createKafkaClient({ brokers: options.brokers, clientId: options.clientId, logger });
  const admin: Admin = kafka.admin();
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  let stopping = false;
  const consumer: Consumer = kafka.consumer({
    groupId: options.groupId,
    allowAutoTopicCreation: false,
    sessionTimeout: options.sessionTimeoutMs,
    heartbeatInterval: Math.min(3000, Math.floor(options.sessionTimeoutMs / 3)),
    maxBytesPerPartition: options.maxBytesPerPartition ?? 4 * 1024 * 1024,
    // kafkajs sleeps this long when every partition is paused: short, so a resumed partition is fetched again at once.
    maxWaitTimeInMs: 200,
    // A consumer crashed by a broker that went away restarts until the broker is back, but not once ingest stops: a restart
    // already under way when the consumer disconnects would otherwise schedule the next one, keeping the process alive for good.
    retry: { retries: 5, restartOnFailure: async () => !stopping },
  });
  let assigned: number[] = [];
  let delivery: BatchDelivery | undefined;
  /** Partition → the offset of the batch it stopped at; nothing at or past it is consumed or committed. */
  const stoppedAt = new Map<number, string>();
  const stopAt = (batch: UndecodableBatch) => {
    if (batch.topic !== topic) return;
    consumer.pause([{ topic, partitions: [batch.partition] }]);
    if (stoppedAt.get(batch.partition) === batch.offset) return;
    stoppedAt.set(batch.partition, batch.offset);
    logger.error(
      { topic, partition: batch.partition, offset: batch.offset, codec: batch.codec, err: errorMessage(batch.error) },
      'a record batch cannot be decoded: this partition stops at it and the others go on; nothing from it on is committed, and a restart with a client that reads it resumes there',
    );
  };
  const stopListening = onUndecodableBatch(stopAt);

  return {
    kind: 'kafka',
    replayable: true,
    decode: scanPosition,

    async run(sink, signal) {
      // A broker that is not up yet (restarting, its container still starting) is waited for, as ClickHouse is: exiting would only make a restart loop.
      // Each attempt probes first, so a broker that is away costs one warning per attempt, not kafkajs' own retries and error lines.
      const connected = await retryUntilDone(
        async () => {
          await probeKafka(options.brokers);
          await admin.connect();
          await ensureTopics(admin, [{ topic, numPartitions: options.partitions }, { topic: options.dlqTopic, numPartitions: 1 }]);
          await producer.connect();
          await consumer.connect();
          await consumer.subscribe({ topic, fromBeginning: true });
        },
        {
          what: `reaching Kafka at ${options.brokers.join(',')}`,
          backoff: options.reconnect,
          clock: systemClock,
          signal,
          onFailure(err, failures, delayMs) {
            logger.warn({ brokers: options.brokers, topic, failures, retryInMs: delayMs, err: errorMessage(err) }, 'Kafka does not answer; waiting for it before consuming anything');
          },
        },
      );
      if (!connected.done) return;
      const batches = createBatchDelivery(topic, sink, () => stopping);
      delivery = batches;
      const reset = () => {
        batches.reset();
        sink.reset();
      };
      const crashed = new Promise<never>((_resolve, reject) => {
        consumer.on(consumer.events.CRASH, ({ payload }) => {
          reset();
          if (payload.restart) return;
          const failure = classifyFailure(payload.error);
          reject(
            failure.kind === 'permanent'
              ? new FleetlakeError('PERMANENT_FAILURE', { what: `consuming ${topic}`, cause: failure.cause, action: failure.action ?? 'see the detail', detail: errorMessage(payload.error) }, { cause: payload.error })
              : new FleetlakeError('BROKER_UNAVAILABLE', { detail: `consumer stopped: ${errorMessage(payload.error)}` }, { cause: payload.error }),
          );
        });
      });
      consumer.on(consumer.events.REBALANCING, reset);
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        reset();
        // A partition stopped here may now be another member's; one still ours stops again when fetched.
        stoppedAt.clear();
        assigned = [...(payload.memberAssignment[topic] ?? [])];
        logger.info({ topic, partitions: assigned, groupId: options.groupId }, 'joined the consumer group');
      });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => batches.eachBatch(payload) });
      const stopped = new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await Promise.race([stopped, crashed]);
      stopping = true;
      try {
        consumer.pause([{ topic }]);
      } catch {
        // Between a crash and its restart kafkajs has no group to pause: nothing is fetched then, and what a restart fetches is refused while stopping.
      }
    },

    async commit(stream, nextOffset) {
      await consumer.commitOffsets([{ topic: stream.topic, partition: stream.partition, offset: String(nextOffset) }]);
    },

    async deadLetter(rejects: readonly Reject[]) {
      await producer.send({
        topic: options.dlqTopic,
        acks: -1,
        messages: rejects.map((r) => ({
          key: r.key,
          value: r.payload,
          headers: { reason: r.reason, detail: r.detail, topic: r.stream.topic, partition: String(r.stream.partition), offset: String(r.offset) },
        })),
      });
    },

    async lag(): Promise<PartitionLag[]> {
      if (assigned.length === 0) return [];
      const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId: options.groupId, topics: [topic] })]);
      const committedOf = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      return ends
        .filter((e) => assigned.includes(e.partition))
        .map((e) => {
          const at = committedOf.get(e.partition) ?? -1;
          return { topic, partition: e.partition, lag: Number(e.high) - (at >= 0 ? at : Number(e.low)) };
        });
    },

    held: () => ({ ...(delivery?.held() ?? { pausedStreams: 0, messages: 0 }), stoppedStreams: stoppedAt.size }),

    async close() {
      stopping = true;
      stopListening();
      // Leaving the group hands the partitions over at once instead of after the session timeout. kafkajs can hang in it
      // (a stop during a rebalance); past the session timeout the broker has handed the partitions over anyway.
      const gaveUp = new AbortController();
      const leaving = consumer.disconnect().then(
        () => true,
        (err: unknown) => {
          logger.warn({ err: errorMessage(err) }, 'leaving the consumer group failed');
          return true;
        },
      );
      const left = await Promise.race([leaving, systemClock.sleep(options.sessionTimeoutMs, gaveUp.signal).then(() => false)]);
      gaveUp.abort();
      if (!left) logger.warn({ groupId: options.groupId, waitedMs: options.sessionTimeoutMs }, 'leaving the consumer group did not finish within the session timeout; the broker hands the partitions over without it');
      await producer.disconnect().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    },
  };
}

/** Creates the topics that are missing (the broker does not auto-create); existing ones are left as they are. */
async function ensureTopics(admin: Admin, topics: { topic: string; numPartitions: number }[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.topic));
  if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true });
}
