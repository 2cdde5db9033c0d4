import { describe, expect, inject, it } from 'vitest';
import { queryRows } from '../core/clickhouse.ts';
import { createSilentLogger } from '../core/logger.ts';
import { TABLES } from '../core/names.ts';
import { backfillMessages } from '../generator/index.ts';
import { runIngest } from './run-ingest.ts';
import { createKafkaSource, kafkaSourceOptions } from './sources/kafka.ts';
import { duplicateRows, expectedChecksums, storedChecksums } from './testing/checksums.ts';
import { testIngestConfig } from './testing/ingest-config.ts';
import { useLakeAndTopics } from './testing/lake-and-topics.ts';
import { waitFor } from './testing/kafka-topics.ts';

describe('consumer group rebalances', () => {
  const fixture = useLakeAndTopics(4);

  it('loses and doubles nothing while members join and leave the group mid-stream', async () => {
    const { lake, topics } = fixture;
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
    // The stream is tied to membership, so every member surely owns partitions while data flows, however fast or
    // slow the machine: each third is produced once the group has settled on its new members.
    let members: string[] = [];
    const settled = (count: number) =>
      waitFor(`the group to settle on ${count} member(s)`, async () => {
        const group = await topics.group();
        const changed = group.memberIds.join() !== members.join();
        if (group.state !== 'Stable' || group.memberIds.length !== count || !changed) return false;
        members = group.memberIds;
        return true;
      });
    const third = Math.ceil(all.length / 3);

    const a = member('A');
    await settled(1);
    await topics.produce(all.slice(0, third), 1000);
    const b = member('B');
    await settled(2);
    await topics.produce(all.slice(third, 2 * third), 1000);
    await a.stop(); // with batches of the second third still in flight
    const c = member('C');
    await settled(2);
    await topics.produce(all.slice(2 * third), 500);
    const ends = await topics.ends();
    await waitFor('all offsets committed', () => topics.committedUpTo(ends));
    await Promise.all([b.stop(), c.stop()]);

    const claimants = await queryRows<{ claimant: string }>(lake.ch.client, `SELECT DISTINCT claimant FROM ${TABLES.ingestJournal} ORDER BY claimant`);
    expect(claimants.map((r) => r.claimant)).toEqual(['A', 'B', 'C']);
    expect(await storedChecksums(lake.ch.client)).toEqual(expectedChecksums(all.map((m) => m.value)));
    expect(await duplicateRows(lake.ch.client)).toBe(0);
  }, 120_000);
});
