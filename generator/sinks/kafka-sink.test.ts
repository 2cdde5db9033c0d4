import { randomUUID } from 'node:crypto';
import { createKafkaClient } from '../../core/kafka-client.ts';
import { describe, expect, inject, it } from 'vitest';
import { readTopicToEnd } from '../../test-support/read-topic.ts';
import { backfillMessages } from '../backfill.ts';
import { createKafkaSink } from './kafka-sink.ts';

const brokers = inject('kafkaBrokers');
const FROM = Date.parse('2026-11-02T08:00:00Z');

describe('the Kafka sink (real broker)', () => {
  it('creates the topic, and delivers every message keyed by vehicle id, in order per vehicle', async () => {
    const topic = `generator-test-${randomUUID()}`;
    const messages = [...backfillMessages({ vehicles: 50, seed: 21, fromMs: FROM, toMs: FROM + 10 * 60_000, faults: { malformedShare: 0.01 } })];
    const sink = await createKafkaSink({ brokers, clientId: 'generator-test', topic, partitions: 3, requestMessages: 200 });
    expect(sink.partitions).toBe(3);
    for (let i = 0; i < messages.length; i += 2500) await sink.send(messages.slice(i, i + 2500));
    await sink.close();

    const kafka = createKafkaClient({ brokers, clientId: 'generator-test' });
    const admin = kafka.admin();
    await admin.connect();
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    await admin.disconnect();
    expect(metadata!.partitions).toHaveLength(3);

    const received = await readTopicToEnd(kafka, topic);
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();

    const perVehicle = (list: { key: string; value: string }[]) => {
      const map = new Map<string, string[]>();
      for (const m of list) map.set(m.key, [...(map.get(m.key) ?? []), m.value]);
      return map;
    };
    expect(perVehicle(received)).toEqual(perVehicle(messages));
    const partitionsOfVehicle = new Map<string, Set<number>>();
    for (const m of received) partitionsOfVehicle.set(m.key, (partitionsOfVehicle.get(m.key) ?? new Set()).add(m.partition));
    expect([...partitionsOfVehicle.values()].every((s) => s.size === 1)).toBe(true);
    expect(new Set(received.map((m) => m.partition)).size).toBe(3);
  });

  it('keeps an existing topic and its partitions', async () => {
    const topic = `generator-test-${randomUUID()}`;
    const admin = createKafkaClient({ brokers, clientId: 'generator-test' }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    await admin.disconnect();
    const sink = await createKafkaSink({ brokers, clientId: 'generator-test', topic, partitions: 6, compression: 'none' });
    expect(sink.partitions).toBe(2);
    await sink.send([{ key: 'v-1', value: '{}' }]);
    await sink.close();
  });

  it('says which setting is missing when no broker is configured', async () => {
    await expect(createKafkaSink({ brokers: [], clientId: 'x', topic: 't', partitions: 1 })).rejects.toThrow(/KAFKA_BROKERS \(config kafka.brokers\)/);
  });
});
