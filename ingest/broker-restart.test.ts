import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startLocalKafka, type LocalKafka } from '../broker/local-kafka.ts';
import { createSilentLogger } from '../core/logger.ts';
import { backfillMessages } from '../generator/index.ts';
import { openTestLake, type TestLake } from '../test-support/lake.ts';
import { runIngest } from './run-ingest.ts';
import { createKafkaSource, kafkaSourceOptions } from './sources/kafka.ts';
import { duplicateRows, expectedChecksums, storedChecksums } from './testing/checksums.ts';
import { testIngestConfig } from './testing/ingest-config.ts';
import { createTestTopics, waitFor, type TestTopics } from './testing/kafka-topics.ts';

describe('the broker restarted under a running ingest', () => {
  let lake: TestLake;
  let kafka: LocalKafka;
  let port: number;
  let brokerDir: string;
  let topics: TestTopics;
  beforeAll(async () => {
    // A broker of its own, on a fixed port and data directory so that it can come back as the same broker.
    port = await freePort();
    brokerDir = mkdtempSync(join(tmpdir(), 'fleetlake-broker-restart-'));
    kafka = await startLocalKafka({ port, dataDir: brokerDir, log: () => undefined });
    topics = await createTestTopics([kafka.bootstrap], 3);
    lake = await openTestLake();
  }, 120_000);
  afterAll(async () => {
    await topics?.close().catch(() => undefined);
    await kafka?.stop();
    await lake?.dispose();
    rmSync(brokerDir, { recursive: true, force: true });
  });

  it('is waited out: ingest goes on by itself once it is back, and stores every position once', async () => {
    const all = [...backfillMessages({ vehicles: 60, seed: 8, fromMs: Date.now() - 3_600_000, toMs: Date.now() - 3_300_000, intervalMs: 5000 })];
    const before = all.slice(0, all.length / 2);
    const after = all.slice(all.length / 2);
    const config = testIngestConfig(lake.dataDir, [kafka.bootstrap], topics, { batch_rows: 500, batch_max_wait: '100ms', retry_initial: '100ms', retry_max: '1s', max_past: '1d' });
    const stop = new AbortController();
    const logger = createSilentLogger();
    const outcome = runIngest({ source: createKafkaSource(kafkaSourceOptions(config, logger)), client: lake.ch.client, config, logger, signal: stop.signal }).then(
      (summary) => summary,
      (err: unknown) => err,
    );

    await topics.produce(before);
    await waitFor('the first half committed', async () => topics.committedUpTo(await topics.ends()));
    await kafka.stop();
    kafka = await startLocalKafka({ port, dataDir: brokerDir, log: () => undefined });
    // The test's own producer and admin reconnect by themselves, as ingest must.
    await topics.produce(after);
    await waitFor('the second half committed', async () => topics.committedUpTo(await topics.ends()), 120_000);
    stop.abort();

    const summary = await outcome;
    expect(summary).toMatchObject({ rows: all.length });
    expect(await storedChecksums(lake.ch.client)).toEqual(expectedChecksums(all.map((m) => m.value)));
    expect(await duplicateRows(lake.ch.client)).toBe(0);
  }, 240_000);
});
