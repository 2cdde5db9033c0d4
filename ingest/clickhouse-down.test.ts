import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSilentLogger } from '../core/logger.ts';
import { createMetrics } from '../core/metrics.ts';
import { TABLES } from '../core/names.ts';
import { backfillMessages } from '../generator/index.ts';
import { openTestLake, type TestLake } from '../test-support/lake.ts';
import { runIngest } from './run-ingest.ts';
import { createKafkaSource, kafkaSourceOptions } from './sources/kafka.ts';
import { duplicateRows, expectedChecksums, storedChecksums } from './testing/checksums.ts';
import { testIngestConfig } from './testing/ingest-config.ts';
import { createTestTopics, waitFor, type TestTopics } from './testing/kafka-topics.ts';

describe('ClickHouse unavailable', () => {
  let lake: TestLake;
  let topics: TestTopics;
  beforeAll(async () => {
    lake = await openTestLake();
    topics = await createTestTopics(inject('kafkaBrokers'), 3);
  });
  afterAll(async () => {
    await topics?.close();
    await lake?.dispose();
  });

  const sameOffsets = (a: Map<number, number>, b: Map<number, number>) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

  it('retries while inserts fail for real, commits nothing meanwhile, then catches up without losing or doubling a row', async () => {
    const now = Date.now();
    const all = [...backfillMessages({ vehicles: 200, seed: 11, fromMs: now - 3_600_000, toMs: now - 3_600_000 + 200_000, intervalMs: 5000 })];
    const before = all.slice(0, 3000);
    const during = all.slice(3000);

    const config = testIngestConfig(lake.dataDir, inject('kafkaBrokers'), topics, {
      batch_rows: 500, batch_max_wait: '200ms', retry_initial: '50ms', retry_max: '400ms', report_interval: '1s',
    });
    const logger = createSilentLogger();
    const metrics = createMetrics();
    const failures = async () => (await metrics.ingestInsertFailures.get()).values[0]?.value ?? 0;
    const stop = new AbortController();
    const run = runIngest({ source: createKafkaSource(kafkaSourceOptions(config, logger)), client: lake.ch.client, config, logger, metrics, signal: stop.signal });

    await topics.produce(before);
    await waitFor('the first messages committed', async () => sameOffsets(await topics.committed(), await topics.ends()));
    const committedBefore = await topics.committed();

    // A real failure: the table is gone for every insert until it is attached again.
    await lake.ch.client.command({ query: `DETACH TABLE ${TABLES.positions}` });
    await topics.produce(during);
    await waitFor('several failed inserts', async () => (await failures()) >= 5);
    expect(await topics.committed()).toEqual(committedBefore);
    await waitFor('more failed inserts', async () => (await failures()) >= 10);
    expect(await topics.committed()).toEqual(committedBefore);

    await lake.ch.client.command({ query: `ATTACH TABLE ${TABLES.positions}` });
    await waitFor('catching up', async () => sameOffsets(await topics.committed(), await topics.ends()));
    stop.abort();
    const summary = await run;

    expect(summary.rows).toBe(all.length);
    expect(summary.insertFailures).toBeGreaterThanOrEqual(10);
    expect(await storedChecksums(lake.ch.client)).toEqual(expectedChecksums(all.map((m) => m.value)));
    expect(await duplicateRows(lake.ch.client)).toBe(0);
  }, 120_000);
});
