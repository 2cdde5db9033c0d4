import { Readable } from 'node:stream';
import type { ClickHouse } from '../core/clickhouse.ts';
import { TABLES } from '../core/names.ts';
import { scanPosition } from '../core/position-scanner.ts';
import { createClickHouseWriter } from '../ingest/clickhouse-writer.ts';
import { CORE_POSITION_COLUMNS, createTsvBody } from '../ingest/encode-batch.ts';
import { createClickHouseJournal } from '../ingest/journal.ts';

/** CPU microseconds per position (per batch for `insertMs`/`claimMs`, in milliseconds) of each piece of ingest's work. */
export interface IngestFloor {
  readonly scan: number;
  readonly encode: number;
  /** ClickHouse parsing the TabSeparated body into the core columns (a Null table: nothing stored). */
  readonly parse: number;
  /** The rest of fleet.positions' insert: h3_cell, the empty device columns, sorting, compression, the part, the latest_positions view. */
  readonly write: number;
  /** Merging the inserts' parts into one (OPTIMIZE FINAL): a row's first merge, of the several it goes through. */
  readonly merge: number;
  /** CPU of one insert of one row into fleet.positions, and of one journal claim: what every batch costs whatever its size. */
  readonly insertMs: number;
  readonly claimMs: number;
  /** All of it per position at `batchRows` rows a batch. */
  perPosition(batchRows: number): number;
}

const cpu = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
const thread = () => {
  const { user, system } = process.threadCpuUsage();
  return user + system;
};

/**
 * What ingest cannot avoid per position with fleet.positions as it is,
 * measured piece by piece in this process on the same messages, each piece
 * alone (merges stopped while inserting, one insert at a time): the floor under
 * the end-to-end figure, whatever the pipeline around it does. CPU, not wall
 * time, so a busy machine skews it little. The ClickHouse pieces count only
 * with the embedded engine (a server's CPU is not this process's).
 */
export async function measureIngestFloor(ch: ClickHouse, messages: readonly Buffer[], batchRows: number): Promise<IngestFloor> {
  const best = (rounds: number, run: () => void) => {
    let min = Number.POSITIVE_INFINITY;
    for (let r = 0; r < rounds; r++) {
      const before = thread();
      run();
      min = Math.min(min, (thread() - before) / messages.length);
    }
    return min;
  };
  const positions = messages.map((m) => scanPosition(m)).flatMap((c) => (c.ok ? [c.position] : []));
  const scan = best(3, () => messages.forEach((m) => scanPosition(m)));
  let bodies: Buffer[] = [];
  const encode = best(3, () => {
    bodies = [];
    for (let i = 0; i < positions.length; i += batchRows) {
      const body = createTsvBody();
      for (const p of positions.slice(i, i + batchRows)) body.add(p);
      bodies.push(Buffer.from(body.bytes()));
    }
  });

  const client = ch.client;
  const command = async (query: string) => void (await client.command({ query }));
  const rows = positions.length;
  let token = 0;
  const insertAll = async (table: string) => {
    const before = cpu();
    for (const body of bodies) {
      const result = await client.exec({
        query: `INSERT INTO ${table} (${CORE_POSITION_COLUMNS.join(', ')}) SETTINGS insert_deduplication_token = 'floor-${token++}' FORMAT TabSeparated`,
        values: Readable.from([body]),
      });
      result.stream.destroy();
    }
    return (cpu() - before) / rows;
  };
  await command('CREATE DATABASE IF NOT EXISTS bench_floor');
  await command(`CREATE TABLE IF NOT EXISTS bench_floor.parse (vehicle_id LowCardinality(String), ts DateTime64(3, 'UTC'), lat Decimal32(6), lon Decimal32(6), speed_kmh Decimal32(1), heading_deg UInt16, vehicle_type LowCardinality(String)) ENGINE = Null`);
  const parse = await insertAll('bench_floor.parse');
  await command(`SYSTEM STOP MERGES ${TABLES.positions}`);
  const insert = await insertAll(TABLES.positions);
  await command(`SYSTEM START MERGES ${TABLES.positions}`);
  let before = cpu();
  await command(`OPTIMIZE TABLE ${TABLES.positions} FINAL`);
  const merge = (cpu() - before) / rows;

  const rounds = 20;
  const writer = createClickHouseWriter(client);
  const one = bodies[0]!.subarray(0, bodies[0]!.indexOf(0x0a) + 1);
  await command(`SYSTEM STOP MERGES ${TABLES.positions}`);
  before = cpu();
  for (let i = 0; i < rounds; i++) await writer.insertPositions(`floor-one-${i}`, one, CORE_POSITION_COLUMNS);
  const insertMs = (cpu() - before) / rounds / 1000;
  await command(`SYSTEM START MERGES ${TABLES.positions}`);
  const journal = createClickHouseJournal(client, 'bench-floor');
  before = cpu();
  for (let i = 0; i < rounds; i++) await journal.claim({ topic: 'bench-floor', partition: 0, id: `bench-floor:${token}` }, i * 10, i * 10 + 9, Date.now());
  const claimMs = (cpu() - before) / rounds / 1000;
  await command('DROP DATABASE bench_floor');
  for (const table of [TABLES.positions, TABLES.latestPositions]) await command(`TRUNCATE TABLE ${table}`);

  // The insert's CPU per row less parsing and less its share of the per-insert cost, which perPosition adds back for any batch size.
  const write = Math.max(0, insert - parse - (insertMs * 1000) / batchRows);
  return {
    scan, encode, parse, write, merge, insertMs, claimMs,
    perPosition: (batchRows) => scan + encode + parse + write + merge + ((insertMs + claimMs) * 1000) / batchRows,
  };
}
