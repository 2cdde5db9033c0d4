import { randomUUID } from 'node:crypto';
import { Kafka, KafkaJSError, Partitioners, type Message } from '../../core/kafkajs.ts';
import { createKafkaClient } from '../../core/kafka-client.ts';

export interface TestTopics {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly dlqTopic: string;
  readonly groupId: string;
  /** Produces messages (acks from all replicas) in chunks. */
  produce(messages: Iterable<{ key: string | null; value: string }>, chunk?: number): Promise<number>;
  /** Next offset to consume per partition, as committed by the group (-1 when nothing is). */
  committed(): Promise<Map<number, number>>;
  /** End offset per partition. */
  ends(): Promise<Map<number, number>>;
  /** True when the group has committed exactly `ends` (as `ends()` gave them) on every partition. */
  committedUpTo(ends: Map<number, number>): Promise<boolean>;
  /** The group's state (Stable once every member has its partitions) and the ids of its members. */
  group(): Promise<{ state: string; memberIds: string[] }>;
  /** Every message of the dead-letter topic, with its headers as strings. */
  readDeadLetters(expected: number): Promise<{ value: string; headers: Record<string, string> }[]>;
  close(): Promise<void>;
}

/** A unique topic, dead-letter topic and group on the test broker, one set per test. */
export async function createTestTopics(brokers: string[], partitions: number): Promise<TestTopics> {
  const suffix = randomUUID().slice(0, 8);
  const topic = `positions-${suffix}`;
  const dlqTopic = `positions-dlq-${suffix}`;
  const groupId = `ingest-${suffix}`;
  const kafka = createKafkaClient({ brokers, clientId: `ingest-test-${suffix}` });
  const admin = kafka.admin();
  await admin.connect();
  // Kafka 4.x can answer UNKNOWN_TOPIC_OR_PARTITION while a new topic's metadata spreads, past kafkajs' own retries on a busy machine.
  await whileRetriable(() => admin.createTopics({ topics: [{ topic, numPartitions: partitions }, { topic: dlqTopic, numPartitions: 1 }], waitForLeaders: true }));
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();

  const committed = async () => {
    // kafkajs' admin does not retry OffsetFetch itself, and the broker answers NOT_COORDINATOR while it moves or loads the group.
    const [entry] = await whileRetriable(() => admin.fetchOffsets({ groupId, topics: [topic] }));
    return new Map((entry?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  };

  return {
    kafka,
    topic,
    dlqTopic,
    groupId,
    async produce(messages, chunk = 5000) {
      let count = 0;
      let batch: Message[] = [];
      const flush = async () => {
        if (batch.length > 0) await producer.send({ topic, acks: -1, messages: batch });
        batch = [];
      };
      for (const m of messages) {
        batch.push({ key: m.key, value: m.value });
        count += 1;
        if (batch.length >= chunk) await flush();
      }
      await flush();
      return count;
    },
    committed,
    async ends() {
      return new Map((await whileRetriable(() => admin.fetchTopicOffsets(topic))).map((p) => [p.partition, Number(p.high)]));
    },
    async committedUpTo(ends) {
      const offsets = await committed();
      return offsets.size === ends.size && [...ends].every(([partition, end]) => offsets.get(partition) === end);
    },
    async group() {
      const { groups } = await whileRetriable(() => admin.describeGroups([groupId]));
      const group = groups[0];
      return { state: group?.state ?? 'Dead', memberIds: (group?.members ?? []).map((m) => m.memberId).sort() };
    },
    async readDeadLetters(expected) {
      const consumer = kafka.consumer({ groupId: `dlq-reader-${suffix}` });
      await consumer.connect();
      await consumer.subscribe({ topic: dlqTopic, fromBeginning: true });
      const seen: { value: string; headers: Record<string, string> }[] = [];
      await new Promise<void>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
            seen.push({ value: message.value?.toString('utf8') ?? '', headers });
            if (seen.length >= expected) resolve();
          },
        });
      });
      await consumer.disconnect();
      return seen;
    },
    async close() {
      await producer.disconnect();
      await admin.disconnect();
    },
  };
}

/** Runs `request` again, up to 20 times 250 ms apart, while it fails with an error kafkajs marks retriable. */
async function whileRetriable<T>(request: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (err) {
      if (attempt >= 20 || !(err instanceof KafkaJSError) || !err.retriable) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** Polls `check` every 200 ms until it returns true (integration tests wait on real progress, never on fixed sleeps). */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 90_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
