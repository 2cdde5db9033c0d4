import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startClickHouseHttp, type ClickHouseHttpEndpoint } from '../allinone/clickhouse-http.ts';
import { isFleetlakeError } from '../core/errors.ts';
import { createSilentLogger } from '../core/logger.ts';
import { TABLES } from '../core/names.ts';
import { backfillMessages } from '../generator/index.ts';
import { spawnFleetlake } from '../test-support/spawn-fleetlake.ts';
import { runIngest } from './run-ingest.ts';
import { createKafkaSource, kafkaSourceOptions } from './sources/kafka.ts';
import { testIngestConfig } from './testing/ingest-config.ts';
import { waitFor } from './testing/kafka-topics.ts';
import { useLakeAndTopics } from './testing/lake-and-topics.ts';

const NOW = Date.now();
const positions = (seed: number) => [...backfillMessages({ vehicles: 40, seed, fromMs: NOW - 3_600_000, toMs: NOW - 3_400_000, intervalMs: 5000 })];

describe('failures retrying cannot fix', () => {
  const fixture = useLakeAndTopics(2);
  let readOnly: ClickHouseHttpEndpoint;
  beforeAll(async () => {
    readOnly = await startClickHouseHttp(fixture.lake.ch.client, { port: 0 });
  });
  afterAll(async () => {
    await readOnly?.close();
  });

  it('a read-only user: fleetlake ingest exits 1 naming READONLY and what to do, and commits nothing', async () => {
    const { topics } = fixture;
    await topics.produce(positions(1));
    const child = spawnFleetlake(['ingest'], {
      CLICKHOUSE_URL: readOnly.url,
      KAFKA_BROKERS: inject('kafkaBrokers').join(','),
      FLEETLAKE_TOPIC: topics.topic,
      FLEETLAKE_DLQ_TOPIC: topics.dlqTopic,
      FLEETLAKE_INGEST_GROUP: topics.groupId,
      FLEETLAKE_INGEST_METRICS_PORT: '0',
      FLEETLAKE_LOG_LEVEL: 'error',
    });
    expect(await child.exited, child.output()).toBe(1);
    expect(child.output()).toMatch(/PERMANENT_FAILURE: .* failed with ClickHouse 164 READONLY, which retrying cannot fix: the user is read-only: give ingest a user that may insert/);
    expect([...(await topics.committed()).values()].every((offset) => offset === -1)).toBe(true);
  }, 90_000);

  it('a dropped table: ingest stops with UNKNOWN_TABLE and run `fleetlake migrate`, committing nothing past what was stored', async () => {
    const { lake, topics } = fixture;
    const config = testIngestConfig(lake.dataDir, inject('kafkaBrokers'), topics, { batch_rows: 200, batch_max_wait: '100ms', retry_initial: '50ms', max_past: '1d' });
    const logger = createSilentLogger();
    const run = runIngest({ source: createKafkaSource(kafkaSourceOptions(config, logger)), client: lake.ch.client, config, logger });
    const outcome = run.then(() => undefined, (err: unknown) => err);
    await waitFor('the first positions committed', async () => topics.committedUpTo(await topics.ends()));
    const committed = await topics.committed();

    await lake.ch.client.command({ query: `DROP TABLE ${TABLES.positions}` });
    await topics.produce(positions(2));
    const err = await outcome;

    expect(isFleetlakeError(err, 'PERMANENT_FAILURE')).toBe(true);
    expect((err as Error).message).toMatch(/^insert positions of batch .* failed with ClickHouse 60 UNKNOWN_TABLE, which retrying cannot fix: a table is missing: run `fleetlake migrate`/);
    expect(await topics.committed()).toEqual(committed);
  }, 90_000);
});
