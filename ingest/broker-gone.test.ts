import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalKafka, type LocalKafka } from '../broker/local-kafka.ts';
import { openClickHouse } from '../core/clickhouse.ts';
import { loadConfig } from '../core/config.ts';
import { backfillMessages } from '../generator/index.ts';
import { spawnFleetlake, type FleetlakeChild } from '../test-support/spawn-fleetlake.ts';
import { seededRandom } from '../test-support/test-seed.ts';
import { duplicateRows, expectedChecksums, storedChecksums } from './testing/checksums.ts';
import { createTestTopics, waitFor, type TestTopics } from './testing/kafka-topics.ts';

describe('Kafka gone while ingest runs', () => {
  let kafka: LocalKafka;
  let topics: TestTopics;
  let dataDir: string;
  let ingest: FleetlakeChild | undefined;
  beforeAll(async () => {
    // A broker of its own: this test stops it, which the shared one must never be.
    kafka = await startLocalKafka({ port: 0, dataDir: undefined, log: () => undefined });
    topics = await createTestTopics([kafka.bootstrap], 2);
    dataDir = mkdtempSync(join(tmpdir(), 'fleetlake-broker-gone-'));
  }, 120_000);
  afterAll(async () => {
    if (ingest?.process.exitCode === null && ingest.process.signalCode === null) ingest.process.kill('SIGKILL');
    await topics?.close().catch(() => undefined);
    await kafka?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exits 0 on SIGTERM, keeping everything it committed, while kafkajs keeps restarting its consumer', async () => {
    const env = {
      FLEETLAKE_DATA_DIR: dataDir,
      KAFKA_BROKERS: kafka.bootstrap,
      FLEETLAKE_TOPIC: topics.topic,
      FLEETLAKE_DLQ_TOPIC: topics.dlqTopic,
      FLEETLAKE_INGEST_GROUP: topics.groupId,
      FLEETLAKE_INGEST_METRICS_PORT: '0',
      FLEETLAKE_INGEST_BATCH_MAX_WAIT: '200ms',
      FLEETLAKE_LOG_LEVEL: 'warn',
    };
    const migrate = spawnFleetlake(['migrate'], env);
    expect(await migrate.exited, migrate.output()).toBe(0);
    const messages = [...backfillMessages({ vehicles: 100, seed: 3, fromMs: Date.now() - 600_000, toMs: Date.now() - 500_000, intervalMs: 5000 })];
    await topics.produce(messages);
    const ends = await topics.ends();

    ingest = spawnFleetlake(['ingest'], env);
    const { output } = ingest;
    await waitFor('everything committed', () => topics.committedUpTo(ends), 60_000);
    await topics.close();
    await kafka.stop();

    // kafkajs then crashes the consumer and restarts it again and again: a timer (300 ms the first time), then a start
    // that retries its connection for about 10 s. The stop comes at a random moment of that, a different one each run, from
    // a logged seed (FLEETLAKE_TEST_SEED replays it).
    await waitFor('the consumer to restart', () => output().includes('"msg":"Restarting the consumer'), 60_000).catch((err: unknown) => {
      throw new Error(`${String(err)}; the process logged:\n${output().split('\n').slice(-30).join('\n')}`);
    });
    await new Promise((resolve) => setTimeout(resolve, seededRandom('broker-gone').random.float() * 8000));
    ingest.process.kill('SIGTERM');
    // Not a timing check: a process that never exits fails here with its output, instead of at the test's timeout.
    const exited = await Promise.race([ingest.exited, new Promise<string>((resolve) => setTimeout(() => resolve('still running 60 s after SIGTERM'), 60_000))]);
    const lastLines = output().split('\n').slice(-5).join('\n');
    expect(exited, lastLines).toBe(0);
    expect(output()).toContain(`stopped: ${messages.length} positions inserted`);

    const ch = openClickHouse(loadConfig({ env: {}, overrides: { clickhouse: { data_dir: dataDir } } }));
    try {
      expect(await storedChecksums(ch.client)).toEqual(expectedChecksums(messages.map((m) => m.value)));
      expect(await duplicateRows(ch.client)).toBe(0);
    } finally {
      await ch.close();
    }
  }, 240_000);
});
