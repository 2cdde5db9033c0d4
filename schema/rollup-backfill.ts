import type { ClickHouseClient } from '@clickhouse/client';
import { queryRows } from '../core/clickhouse.ts';
import { DATABASE, TABLES } from '../core/names.ts';
import { readMigrations, type Migration } from './migrations.ts';

/** The migration that creates the rollups and their views; the backfill runs their SELECTs. */
export const ROLLUP_MIGRATION = '0060_presence_rollups.sql';

const ROLLUPS = [
  { table: TABLES.presenceHourly, view: `${TABLES.presenceHourly}_mv` },
  { table: TABLES.presenceDaily, view: `${TABLES.presenceDaily}_mv` },
] as const;

export interface BackfillReport {
  /** Partition ids (YYYYMM) of fleet.positions rebuilt into the rollups. */
  readonly partitions: readonly string[];
  readonly positions: number;
}

/**
 * Fills the presence rollups from positions already in fleet.positions, one
 * monthly partition at a time: the view's own SELECT (from the migration
 * file, the one source) fills a scratch table, whose partition then REPLACEs
 * the rollup's. Replacing rather than adding makes it idempotent: run it again,
 * after a crash or to repair, and every position is still counted once.
 *
 * Positions inserted into a month WHILE it is rebuilt may be missed (the
 * view writes them into the partition the REPLACE then swaps out), so run it
 * with ingest stopped, as `fleetlake migrate` is, or for months ingest no
 * longer writes. One node only: on a cluster, run it on each shard's node.
 */
export async function backfillRollups(client: ClickHouseClient, options: { months?: readonly string[]; migrations?: readonly Migration[] } = {}): Promise<BackfillReport> {
  const migration = (options.migrations ?? readMigrations()).find((m) => m.name === ROLLUP_MIGRATION);
  if (!migration) throw new Error(`${ROLLUP_MIGRATION} is missing from schema/migrations`);
  const partitions = await queryRows<{ partition_id: string; rows: string }>(
    client,
    `SELECT partition_id, sum(rows) AS rows FROM system.parts
     WHERE active AND database = {db:String} AND table = {table:String} GROUP BY partition_id ORDER BY partition_id`,
    { db: DATABASE, table: TABLES.positions.split('.')[1] },
  );
  const chosen = partitions.filter((p) => !options.months || options.months.includes(p.partition_id));
  for (const { table, view } of ROLLUPS) {
    const select = viewSelect(migration, view);
    const scratch = `${table}_backfill`;
    await client.command({ query: `DROP TABLE IF EXISTS ${scratch}` });
    await client.command({ query: `CREATE TABLE ${scratch} AS ${table}` });
    try {
      for (const { partition_id: id } of chosen) {
        await client.command({ query: `TRUNCATE TABLE ${scratch}` });
        // Not a retry: the scratch table inherits the rollups' deduplication log, which must not drop a rebuilt block.
        await client.command({ query: `INSERT INTO ${scratch} SETTINGS insert_deduplicate = 0 ${select}`, query_params: { partition_id: id } });
        await client.command({ query: `ALTER TABLE ${table} REPLACE PARTITION ID {partition_id:String} FROM ${scratch}`, query_params: { partition_id: id } });
      }
    } finally {
      await client.command({ query: `DROP TABLE IF EXISTS ${scratch}` });
    }
  }
  return { partitions: chosen.map((p) => p.partition_id), positions: chosen.reduce((n, p) => n + Number(p.rows), 0) };
}

/** The view's SELECT, narrowed to one partition of fleet.positions by {partition_id:String}. */
function viewSelect(migration: Migration, view: string): string {
  const statement = migration.statements.find((s) => s.startsWith(`CREATE MATERIALIZED VIEW IF NOT EXISTS ${view} `));
  const select = statement?.slice(statement.indexOf(' AS\n') + 4);
  if (!select || !/\nFROM fleet\.positions\nGROUP BY /.test(select)) throw new Error(`${migration.name}: cannot find the SELECT of ${view}`);
  return select.replace(/\nFROM fleet\.positions\nGROUP BY /, '\nFROM fleet.positions WHERE _partition_id = {partition_id:String}\nGROUP BY ');
}
