import type { ClickHouseClient } from '@clickhouse/client';
import { queryRows } from '../core/clickhouse.ts';
import type { FleetlakeConfig } from '../core/config.ts';
import { toClickHouseInterval } from '../core/duration.ts';
import { STORAGE, TABLES } from '../core/names.ts';
import type { SchemaDdl } from './schema-ddl.ts';

/**
 * The tables retention.* governs, each with the instant its rows' age counts
 * from. A rollup row counts from its bucket's end, so it never expires before
 * the last position it summarises (schema/migrations/0060_presence_rollups.sql).
 */
export const RETAINED_TABLES: readonly { readonly table: string; readonly since: string }[] = [
  { table: TABLES.positions, since: 'toDateTime(ts)' },
  { table: TABLES.presenceHourly, since: 'hour + INTERVAL 1 HOUR' },
  { table: TABLES.presenceDaily, since: 'day + INTERVAL 1 DAY' },
];

/** The TTL clause of a retained table for a retention configuration. */
export function retentionTtl(retention: FleetlakeConfig['retention'], since: string): string {
  return (
    `${since} + ${toClickHouseInterval(retention.hot)} TO VOLUME '${STORAGE.coldVolume}', ` +
    `${since} + ${toClickHouseInterval(retention.delete_after)} DELETE`
  );
}

/** The TTL clause of fleet.positions for a retention configuration. */
export function positionsTtl(retention: FleetlakeConfig['retention']): string {
  return retentionTtl(retention, RETAINED_TABLES[0]!.since);
}

/** The ALTERs that set the retention, one per retained table. */
export function retentionStatements(retention: FleetlakeConfig['retention'], target: SchemaDdl['retention']): string[] {
  return RETAINED_TABLES.map(({ table, since }) => `ALTER TABLE ${target.stored(table)}${target.onCluster} MODIFY TTL ${retentionTtl(retention, since)}`);
}

/**
 * Makes each retained table's TTL match the configuration. Compares ClickHouse's
 * own formatting of both sides, so a TTL written differently but meaning the
 * same is left alone. Existing parts are not rewritten
 * (materialize_ttl_after_modify = 0): new TTLs apply as parts merge, and
 * `ALTER TABLE … MATERIALIZE TTL` applies them at once. True when any changed.
 */
export async function applyRetention(client: ClickHouseClient, retention: FleetlakeConfig['retention'], target: SchemaDdl['retention']): Promise<boolean> {
  let changed = false;
  for (const alter of retentionStatements(retention, target)) {
    const table = /^ALTER TABLE (\S+)/.exec(alter)![1]!;
    const [current] = await queryRows<{ create_table_query: string }>(
      client,
      `SELECT create_table_query FROM system.tables WHERE database = {db:String} AND name = {table:String}`,
      { db: table.split('.')[0], table: table.split('.')[1] },
    );
    // A table a later migration creates (a partial migration list, in tests) is set when it exists.
    if (!current) continue;
    const [wanted] = await queryRows<{ ttl: string }>(client, `SELECT formatQuerySingleLine({q:String}) AS ttl`, { q: alter });
    // formatQuery wraps the alter command in parentheses: "ALTER TABLE t (MODIFY TTL <ttl>)".
    const wantedTtl = /MODIFY TTL (.*)\)\s*$/.exec(wanted?.ttl ?? '')?.[1] ?? '';
    if (wantedTtl !== '' && current.create_table_query.includes(`TTL ${wantedTtl}`)) continue;
    await client.command({ query: alter, clickhouse_settings: { materialize_ttl_after_modify: 0 } });
    changed = true;
  }
  return changed;
}
