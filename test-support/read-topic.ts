import { randomUUID } from 'node:crypto';
import type { Kafka } from '../core/kafkajs.ts';

/** Reads a topic from its start, in a throwaway group, until `enough` says the values seen so far suffice. */
export async function readTopic(kafka: Kafka, topic: string, enough: (values: string[]) => boolean, timeoutMs = 60_000): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID().slice(0, 8)}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values: string[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${values.length} messages of ${topic} in ${timeoutMs} ms, not enough`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value?.toString('utf8') ?? '');
          if (enough(values)) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return values;
}

export interface TopicRecord {
  readonly key: string;
  readonly value: string;
  readonly partition: number;
}

/**
 * Everything a topic holds now: reads every partition from its start up to the
 * end offset it had when called. A test that wrote and then reads gets what was
 * stored, so a missing message shows as a difference, not as a wait that times out.
 */
export async function readTopicToEnd(kafka: Kafka, topic: string): Promise<TopicRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  await admin.disconnect();
  const pending = new Set([...ends].filter(([, end]) => end > 0).map(([partition]) => partition));
  const records: TopicRecord[] = [];
  if (pending.size === 0) return records;
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID().slice(0, 8)}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message, partition }) => {
            if (Number(message.offset) >= ends.get(partition)!) return;
            records.push({ key: message.key?.toString('utf8') ?? '', value: message.value?.toString('utf8') ?? '', partition });
            if (Number(message.offset) === ends.get(partition)! - 1) pending.delete(partition);
            if (pending.size === 0) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}
