import { describe, expect, inject, it } from 'vitest';
import { startLineProducer } from '../broker/line-producer.ts';
import { KAFKA_COMPRESSIONS } from '../core/kafka-codecs.ts';
import { createSilentLogger } from '../core/logger.ts';
import { backfillMessages } from '../generator/index.ts';
import { runIngest } from './run-ingest.ts';
import { createKafkaSource, kafkaSourceOptions } from './sources/kafka.ts';
import { duplicateRows, expectedChecksums, storedChecksums } from './testing/checksums.ts';
import { testIngestConfig } from './testing/ingest-config.ts';
import { useLakeAndTopics } from './testing/lake-and-topics.ts';
import { waitFor } from './testing/kafka-topics.ts';

const NOW = Date.now();
const PER_CODEC = 6_000;
const BAD = ['{"vehicle_id":"v-x","ts":', '{"vehicle_id":"v-x","ts":"2026-11-23T10:00:05.000Z","lat":91,"lon":0,"speed_kmh":0,"heading_deg":0}'];

describe('every compression codec from an independent producer', () => {
  const fixture = useLakeAndTopics(3);

  it(`stores exactly once what the Java client sent with ${KAFKA_COMPRESSIONS.join(', ')} at the same time into one topic, and dead-letters the bad ones`, async () => {
    const { lake, topics } = fixture;
    const fleet = [...backfillMessages({ vehicles: 150, seed: 11, fromMs: NOW - 3_600_000, toMs: NOW - 600_000, intervalMs: 5000 })];
    const good = fleet.slice(0, PER_CODEC * KAFKA_COMPRESSIONS.length).map((m) => m.value);
    expect(good).toHaveLength(PER_CODEC * KAFKA_COMPRESSIONS.length);

    // All producers at once, so batches of every codec interleave on every partition.
    const sent = await Promise.all(
      KAFKA_COMPRESSIONS.map(async (compression, i) => {
        const producer = startLineProducer({ brokers: inject('kafkaBrokers'), topic: topics.topic, compression, input: 'pipe' });
        const lines = [...good.slice(i * PER_CODEC, (i + 1) * PER_CODEC), ...BAD];
        producer.stdin!.end(`${lines.join('\n')}\n`);
        return producer.done;
      }),
    );
    expect(sent).toEqual(KAFKA_COMPRESSIONS.map(() => PER_CODEC + BAD.length));

    const config = testIngestConfig(lake.dataDir, inject('kafkaBrokers'), topics, { batch_rows: 4_000, batch_max_wait: '200ms', max_past: '1d' });
    const logger = createSilentLogger();
    const stop = new AbortController();
    const run = runIngest({ source: createKafkaSource(kafkaSourceOptions(config, logger)), client: lake.ch.client, config, logger, signal: stop.signal });
    const ends = await topics.ends();
    await waitFor('every partition committed to its end', () => topics.committedUpTo(ends));
    stop.abort();
    const summary = await run;

    expect(summary.rows).toBe(good.length);
    expect(await storedChecksums(lake.ch.client)).toEqual(expectedChecksums(good));
    expect(await duplicateRows(lake.ch.client)).toBe(0);
    const letters = await topics.readDeadLetters(BAD.length * KAFKA_COMPRESSIONS.length);
    expect(letters.map((l) => l.headers.reason).sort()).toEqual(KAFKA_COMPRESSIONS.flatMap(() => ['lat_out_of_range', 'not_json']).sort());
  }, 180_000);
});
