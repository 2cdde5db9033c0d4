import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { queryRows } from '../core/clickhouse.ts';
import { createSilentLogger } from '../core/logger.ts';
import { TABLES } from '../core/names.ts';
import { backfillMessages } from '../generator/index.ts';
import { openTestLake, type TestLake } from '../test-support/lake.ts';
import { runIngest } from './run-ingest.ts';
import { createKafkaSource, kafkaSourceOptions } from './sources/kafka.ts';
import { duplicateRows, expectedChecksums, storedChecksums } from './testing/checksums.ts';
import { testIngestConfig } from './testing/ingest-config.ts';
import { createTestTopics, waitFor, type TestTopics } from './testing/kafka-topics.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('consumer group rebalances', () => {
  let lake: TestLake;
  let topics: TestTopics;
  beforeAll(async () => {
    lake = await openTestLake();
    topics = await createTestTopics(inject('kafkaBrokers'), 4);
  });
  afterAll(async () => {
    await topics?.close();
    await lake?.dispose();
  });

  it('loses and doubles nothing while members join and leave the group mid-stream', async () => {
    const now = Date.now();
    const all = [...backfillMessages({ vehicles: 400, seed: 21, fromMs: now - 3_600_000, toMs: now - 3_600_000 + 500_000, intervalMs: 5000 })];
    const config = testIngestConfig(lake.dataDir, inject('kafkaBrokers'), topics, { batch_rows: 300, batch_max_wait: '100ms' });
    const logger = createSilentLogger();
    // Members of one group in one process, sharing the lake: each rebalance moves partitions with batches in flight.
    const member = (instance: string) => {
      const stop = new AbortController();
      const memberConfig = { ...config, ingest: { ...config.ingest, instance } };
      const done = runIngest({ source: createKafkaSource(kafkaSourceOptions(memberConfig, logger)), client: lake.ch.client, config: memberConfig, logger, signal: stop.signal });
      return { stop: () => (stop.abort(), done) };
    };
    const streaming = (async () => {
      for (let i = 0; i < all.length; i += 1000) {
        await topics.produce(all.slice(i, i + 1000));
        await pause(150);
      }
    })();
    streaming.catch(() => undefined);

    const a = member('A');
    await pause(3000);
    const b = member('B');
    await pause(3000);
    await a.stop();
    const c = member('C');
    await streaming;
    const ends = await topics.ends();
    await waitFor('all offsets committed', async () => JSON.stringify([...(await topics.committed())].sort()) === JSON.stringify([...ends].sort()));
    await Promise.all([b.stop(), c.stop()]);

    const claimants = await queryRows<{ claimant: string }>(lake.ch.client, `SELECT DISTINCT claimant FROM ${TABLES.ingestJournal} ORDER BY claimant`);
    expect(claimants.map((r) => r.claimant)).toEqual(['A', 'B', 'C']);
    expect(await storedChecksums(lake.ch.client)).toEqual(expectedChecksums(all.map((m) => m.value)));
    expect(await duplicateRows(lake.ch.client)).toBe(0);
  }, 120_000);
});
