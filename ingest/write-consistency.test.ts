import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../core/clickhouse.ts';
import { TABLES } from '../core/names.ts';
import { openTestLake, type TestLake } from '../test-support/lake.ts';
import { createClickHouseWriter } from './clickhouse-writer.ts';
import { CORE_POSITION_COLUMNS, createTsvBody } from './encode-batch.ts';
import { createClickHouseJournal } from './journal.ts';
import type { StreamRef } from './types.ts';
import { writeConsistency } from './write-consistency.ts';

const stream: StreamRef = { topic: 'fleet.positions', partition: 3, id: 'fleet.positions:3' };

/** The real client, with every statement and its settings noted: the cluster's part of the evidence is the SQL itself. */
function recording(client: ClickHouseClient) {
  const seen: string[] = [];
  const note = (what: string, settings: object | undefined) => seen.push(`${what} ${JSON.stringify(settings ?? {})}`);
  const wrapped = new Proxy(client, {
    get(target, prop, receiver) {
      const real = Reflect.get(target, prop, receiver) as unknown;
      if (typeof real !== 'function' || !['exec', 'insert', 'query'].includes(String(prop))) return real;
      return (params: { query?: string; table?: string; clickhouse_settings?: object }) => {
        note(params.query?.split(' FORMAT ')[0] ?? `INSERT INTO ${params.table}`, params.clickhouse_settings);
        return (real as (p: unknown) => unknown).call(target, params);
      };
    },
  });
  return { client: wrapped, seen };
}

describe('ingest writes on a cluster', () => {
  let lake: TestLake;
  beforeAll(async () => {
    lake = await openTestLake();
  });
  afterAll(async () => lake.dispose());

  it('one node: the writes are exactly what they always were', async () => {
    const { client, seen } = recording(lake.ch.client);
    const consistency = writeConsistency('');
    await createClickHouseJournal(client, 'a', consistency).claim(stream, 0, 9, 1);
    await createClickHouseWriter(client, consistency).insertPositions('fleet.positions:3:0-9', Buffer.alloc(0), CORE_POSITION_COLUMNS);
    expect(seen).toEqual([
      `INSERT INTO ${TABLES.ingestJournal} {}`,
      expect.stringMatching(/^SELECT last_offset, ref_ms, claim_id FROM fleet.ingest_journal[\s\S]* \{\}$/),
      `INSERT INTO fleet.positions (${CORE_POSITION_COLUMNS.join(', ')}) SETTINGS insert_deduplicate = 1, async_insert = 0, insert_deduplication_token = 'fleet.positions:3:0-9' {}`,
    ]);
  });

  it('cluster: batches insert in the foreground through Distributed, claims are quorum writes read back with sequential consistency', async () => {
    const { client, seen } = recording(lake.ch.client);
    const consistency = writeConsistency('fleetlake');
    const claim = await createClickHouseJournal(client, 'b', consistency).claim(stream, 10, 19, 2);
    expect(claim).toEqual({ won: true, refMs: 2 });
    const writer = createClickHouseWriter(client, consistency);
    const body = createTsvBody();
    body.add({ vehicle_id: 'v-1', ts_ms: Date.parse('2026-01-01T00:00:00Z'), lat: 45.5, lon: -73.6, speed_kmh: 10, heading_deg: 90, vehicle_type: 'car' });
    const batch = Buffer.from(body.bytes());
    await writer.insertPositions('fleet.positions:3:10-19', batch, body.columns);
    await writer.insertPositions('fleet.positions:3:10-19', batch, body.columns);
    expect(seen).toEqual([
      `INSERT INTO ${TABLES.ingestJournal} {"insert_quorum":"auto","insert_quorum_parallel":0}`,
      expect.stringMatching(/^SELECT last_offset[\s\S]* \{"select_sequential_consistency":"1"\}$/),
      `INSERT INTO fleet.positions (${CORE_POSITION_COLUMNS.join(', ')}) SETTINGS insert_deduplicate = 1, async_insert = 0, insert_deduplication_token = 'fleet.positions:3:10-19', distributed_foreground_insert = 1 {}`,
      expect.any(String),
    ]);
    // The same SQL, run by the real engine: accepted, and the repeat is still dropped by its token.
    expect(await queryRows(lake.ch.client, `SELECT vehicle_id FROM ${TABLES.positions}`)).toEqual([{ vehicle_id: 'v-1' }]);
  });
});
