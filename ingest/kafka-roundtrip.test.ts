import { describe, expect, inject, it } from 'vitest';
import { backfillMessages } from '../generator/index.ts';
import { runIngest } from './run-ingest.ts';
import { createKafkaSource, kafkaSourceOptions } from './sources/kafka.ts';
import { duplicateRows, expectedChecksums, storedChecksums } from './testing/checksums.ts';
import { testIngestConfig } from './testing/ingest-config.ts';
import { useLakeAndTopics } from './testing/lake-and-topics.ts';
import { createSilentLogger } from '../core/logger.ts';

const POSITIONS = 200_000;

describe('Kafka → ingest → ClickHouse', () => {
  const fixture = useLakeAndTopics(4);

  it(`carries ${POSITIONS} generated positions: same row count and the same per-vehicle checksum as produced`, async () => {
    const { lake, topics } = fixture;
    const fromMs = Date.now() - 2 * 3_600_000;
    const values: string[] = [];
    const produced = await topics.produce(
      (function* () {
        for (const m of backfillMessages({ vehicles: 1000, seed: 42, fromMs, toMs: fromMs + 1_000_000, intervalMs: 5000 })) {
          values.push(m.value);
          yield m;
        }
      })(),
    );
    expect(produced).toBe(POSITIONS);

    const config = testIngestConfig(lake.dataDir, inject('kafkaBrokers'), topics, { batch_rows: 20_000 });
    const logger = createSilentLogger();
    const stop = new AbortController();
    const source = createKafkaSource(kafkaSourceOptions(config, logger));
    const summary = await runIngest({ source, client: lake.ch.client, config, logger, signal: stop.signal, onBatch: (t) => t.rows >= POSITIONS && stop.abort() });

    expect(summary.rows).toBe(POSITIONS);
    expect(Object.values(summary.rejects).reduce((a, b) => a + b, 0)).toBe(0);
    const expected = expectedChecksums(values);
    expect(expected.size).toBe(1000);
    expect(await storedChecksums(lake.ch.client)).toEqual(expected);
    expect(await duplicateRows(lake.ch.client)).toBe(0);
    expect(await topics.committed()).toEqual(await topics.ends());
  }, 180_000);
});
