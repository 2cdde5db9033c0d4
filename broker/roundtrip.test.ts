import { randomUUID } from 'node:crypto';
import { createKafkaClient } from '../core/kafka-client.ts';
import { describe, expect, inject, it } from 'vitest';

describe('the test broker', () => {
  it('carries a message from a kafkajs producer to a kafkajs consumer', async () => {
    const kafka = createKafkaClient({ brokers: inject('kafkaBrokers'), clientId: 'roundtrip-test' });
    const topic = `roundtrip-${randomUUID()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    await admin.disconnect();

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'v-00001', value: '{"hello":"fleet"}' }] });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `roundtrip-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<{ key: string; value: string }>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => resolve({ key: String(message.key), value: String(message.value) }),
      });
    });
    await consumer.disconnect();
    expect(received).toEqual({ key: 'v-00001', value: '{"hello":"fleet"}' });
  });
});
