import { CompressionTypes, kafkajs } from '../core/kafkajs.ts';
import { describe, expect, inject, it } from 'vitest';
import { createKafkaClient } from '../core/kafka-client.ts';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createSilentLogger } from '../core/logger.ts';
import { createMetrics } from '../core/metrics.ts';
import { backfillMessages } from '../generator/index.ts';
import { runIngest } from './run-ingest.ts';
import { createKafkaSource, kafkaSourceOptions } from './sources/kafka.ts';
import { expectedChecksums, storedChecksums } from './testing/checksums.ts';
import { testIngestConfig } from './testing/ingest-config.ts';
import { useLakeAndTopics } from './testing/lake-and-topics.ts';
import { waitFor } from './testing/kafka-topics.ts';

const NOW = Date.now();

describe('a record batch this client cannot decode', () => {
  const fixture = useLakeAndTopics(3);

  it('stops only its partition, at that batch, naming topic, partition, offset and codec; the other partitions go on', async () => {
    const { lake, topics } = fixture;
    const all = [...backfillMessages({ vehicles: 30, seed: 5, fromMs: NOW - 3_600_000, toMs: NOW - 3_000_000, intervalMs: 5000 })].map((m) => m.value);
    const chunk = (i: number) => all.slice(i * 400, (i + 1) * 400);
    const producer = createKafkaClient({ brokers: inject('kafkaBrokers'), clientId: 'undecodable-test' }).producer();
    await producer.connect();
    const send = (partition: number, values: string[], compression: CompressionTypes) =>
      producer.send({ topic: topics.topic, acks: -1, compression, messages: values.map((value) => ({ value, partition })) });
    // Partition 0: a plain batch, a snappy batch, a plain batch. Partitions 1 and 2: plain.
    await send(0, chunk(0), CompressionTypes.None);
    const [snappy] = await send(0, chunk(1), CompressionTypes.Snappy);
    await send(0, chunk(2), CompressionTypes.None);
    await send(1, chunk(3), CompressionTypes.None);
    await send(2, chunk(4), CompressionTypes.None);
    await producer.disconnect();
    const snappyOffset = Number(snappy!.baseOffset);
    expect(snappyOffset).toBe(400);

    // From here this process reads as a client without snappy does: what kafkajs alone answers for it.
    const codecs = kafkajs.CompressionCodecs as Record<number, () => unknown>;
    codecs[CompressionTypes.Snappy] = () => {
      throw new Error('Snappy compression not implemented');
    };

    const lines: Record<string, unknown>[] = [];
    const capture = pino({ level: 'error' }, new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>), done()) }));
    const config = testIngestConfig(lake.dataDir, inject('kafkaBrokers'), topics, { batch_rows: 400, batch_max_wait: '100ms', max_past: '1d' });
    const metrics = createMetrics();
    const stop = new AbortController();
    const run = runIngest({ source: createKafkaSource(kafkaSourceOptions(config, capture)), client: lake.ch.client, config, logger: createSilentLogger(), metrics, signal: stop.signal });
    const ends = await topics.ends();
    await waitFor('partitions 1 and 2 committed to their ends, partition 0 to the snappy batch', async () => {
      const committed = await topics.committed();
      return committed.get(0) === snappyOffset && committed.get(1) === ends.get(1) && committed.get(2) === ends.get(2);
    });
    stop.abort();
    const summary = await run;

    expect(summary.rows).toBe(400 * 3);
    expect(await storedChecksums(lake.ch.client)).toEqual(expectedChecksums([...chunk(0), ...chunk(3), ...chunk(4)]));
    expect(await topics.committed()).toEqual(new Map([[0, snappyOffset], [1, ends.get(1)], [2, ends.get(2)]]));
    const stopped = lines.filter((l) => /cannot be decoded/.test(String(l.msg)));
    expect(stopped).toHaveLength(1);
    expect(stopped[0]).toMatchObject({ topic: topics.topic, partition: 0, offset: String(snappyOffset), codec: 'snappy', err: 'Snappy compression not implemented' });
    expect((await metrics.ingestStoppedPartitions.get()).values[0]?.value).toBe(1);
  }, 120_000);
});
