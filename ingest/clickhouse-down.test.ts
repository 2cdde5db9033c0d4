import { describe, expect, inject, it } from 'vitest';
import { queryRows } from '../core/clickhouse.ts';
import { createSilentLogger } from '../core/logger.ts';
import { createMetrics } from '../core/metrics.ts';
import { TABLES } from '../core/names.ts';
import { backfillMessages } from '../generator/index.ts';
import { runIngest } from './run-ingest.ts';
import { createKafkaSource, kafkaSourceOptions } from './sources/kafka.ts';
import { duplicateRows, expectedChecksums, storedChecksums } from './testing/checksums.ts';
import { testIngestConfig } from './testing/ingest-config.ts';
import { useLakeAndTopics } from './testing/lake-and-topics.ts';
import { waitFor } from './testing/kafka-topics.ts';

describe('ClickHouse unavailable', () => {
  const fixture = useLakeAndTopics(3);

  it('retries while inserts fail for real, pauses fetching and commits nothing meanwhile, then catches up without losing or doubling a row', async () => {
    const { lake, topics } = fixture;
    const now = Date.now();
    const all = [...backfillMessages({ vehicles: 200, seed: 11, fromMs: now - 3_600_000, toMs: now - 3_600_000 + 1_000_000, intervalMs: 5000 })];
    const before = all.slice(0, 3000);
    const during = all.slice(3000);
    const batchRows = 500;
    const fetchBytes = 32 * 1024;

    const config = testIngestConfig(lake.dataDir, inject('kafkaBrokers'), topics, {
      batch_rows: batchRows, batch_max_wait: '200ms', retry_initial: '50ms', retry_max: '400ms', report_interval: '1s',
    });
    const logger = createSilentLogger();
    const metrics = createMetrics();
    const gauge = async (g: { get(): Promise<{ values: { value: number }[] }> }) => (await g.get()).values[0]?.value ?? 0;
    const failures = () => gauge(metrics.ingestInsertFailures);
    const stop = new AbortController();
    const source = createKafkaSource({ ...kafkaSourceOptions(config, logger), maxBytesPerPartition: fetchBytes });
    const run = runIngest({ source, client: lake.ch.client, config, logger, metrics, signal: stop.signal });

    await topics.produce(before);
    await waitFor('the first messages committed', async () => topics.committedUpTo(await topics.ends()));
    const committedBefore = await topics.committed();

    // A real transient failure, the one a lake under load gives: too many parts, every insert refused until merges catch up.
    await lake.ch.client.command({ query: `SYSTEM STOP MERGES ${TABLES.positions}` });
    await lake.ch.client.command({ query: `ALTER TABLE ${TABLES.positions} MODIFY SETTING parts_to_throw_insert = 1` });
    // Small sends make small record batches, so one fetch is about fetchBytes and the bound below is tight.
    await topics.produce(during, 300);
    await waitFor('several failed inserts', async () => (await failures()) >= 5);
    expect(await topics.committed()).toEqual(committedBefore);

    // Back-pressure, not buffering: every partition is paused while the backlog stays in the broker.
    await waitFor('every partition paused', async () => (await gauge(metrics.ingestPausedPartitions)) === 3);
    // Per partition: a batch being written, two batches' worth in its lane, one held fetch.
    const bound = 3 * (3 * batchRows + fetchBytes / 100);
    expect(await gauge(metrics.ingestBufferedMessages)).toBeLessThanOrEqual(bound);
    expect(during.length).toBeGreaterThan(6 * bound);
    await waitFor('more failed inserts', async () => (await failures()) >= 10);
    expect(await topics.committed()).toEqual(committedBefore);
    expect(await gauge(metrics.ingestBufferedMessages)).toBeLessThanOrEqual(bound);
    const reported = await queryRows<{ value: number }>(lake.ch.client, `SELECT value FROM ${TABLES.ingestMetrics} WHERE metric = 'paused_partitions' ORDER BY ts DESC LIMIT 1`);
    expect(reported).toEqual([{ value: 3 }]);

    await lake.ch.client.command({ query: `ALTER TABLE ${TABLES.positions} RESET SETTING parts_to_throw_insert` });
    await lake.ch.client.command({ query: `SYSTEM START MERGES ${TABLES.positions}` });
    await waitFor('catching up', async () => topics.committedUpTo(await topics.ends()));
    await waitFor('fetching resumed', async () => (await gauge(metrics.ingestPausedPartitions)) === 0 && (await gauge(metrics.ingestBufferedMessages)) === 0);
    stop.abort();
    const summary = await run;

    expect(summary.rows).toBe(all.length);
    expect(summary.insertFailures).toBeGreaterThanOrEqual(10);
    expect(await storedChecksums(lake.ch.client)).toEqual(expectedChecksums(all.map((m) => m.value)));
    expect(await duplicateRows(lake.ch.client)).toBe(0);
  }, 120_000);
});
