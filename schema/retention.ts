import type { ClickHouseClient } from '@clickhouse/client';
import { queryRows } from '../core/clickhouse.ts';
import type { FleetlakeConfig } from '../core/config.ts';
import { toClickHouseInterval } from '../core/duration.ts';
import { STORAGE } from '../core/names.ts';
import type { SchemaDdl } from './schema-ddl.ts';

/** The TTL clause of fleet.positions for a retention configuration. */
export function positionsTtl(retention: FleetlakeConfig['retention']): string {
  return (
    `toDateTime(ts) + ${toClickHouseInterval(retention.hot)} TO VOLUME '${STORAGE.coldVolume}', ` +
    `toDateTime(ts) + ${toClickHouseInterval(retention.delete_after)} DELETE`
  );
}

/** The ALTER that sets the retention. */
export function retentionStatement(retention: FleetlakeConfig['retention'], target: SchemaDdl['retention']): string {
  return `ALTER TABLE ${target.table}${target.onCluster} MODIFY TTL ${positionsTtl(retention)}`;
}

/**
 * Makes the table's TTL match the configuration. Compares ClickHouse's own
 * formatting of both sides, so a TTL written differently but meaning the same
 * is left alone. Existing parts are not rewritten (materialize_ttl_after_modify
 * = 0): new TTLs apply as parts merge, and `ALTER TABLE … MATERIALIZE TTL`
 * applies them at once.
 */
export async function applyRetention(client: ClickHouseClient, retention: FleetlakeConfig['retention'], target: SchemaDdl['retention']): Promise<boolean> {
  const alter = retentionStatement(retention, target);
  const [current] = await queryRows<{ create_table_query: string }>(
    client,
    `SELECT create_table_query FROM system.tables WHERE database = {db:String} AND name = {table:String}`,
    { db: target.table.split('.')[0], table: target.table.split('.')[1] },
  );
  const [wanted] = await queryRows<{ ttl: string }>(client, `SELECT formatQuerySingleLine({q:String}) AS ttl`, { q: alter });
  // formatQuery wraps the alter command in parentheses: "ALTER TABLE t (MODIFY TTL <ttl>)".
  const wantedTtl = /MODIFY TTL (.*)\)\s*$/.exec(wanted?.ttl ?? '')?.[1] ?? '';
  if (current && wantedTtl !== '' && current.create_table_query.includes(`TTL ${wantedTtl}`)) return false;
  await client.command({ query: alter, clickhouse_settings: { materialize_ttl_after_modify: 0 } });
  return true;
}
