import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';

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
