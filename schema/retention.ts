import type { ClickHouseClient } from '@clickhouse/client';
import { queryRows } from '../core/clickhouse.ts';
import type { FleetlakeConfig } from '../core/config.ts';
import { toClickHouseInterval } from '../core/duration.ts';
import { STORAGE, TABLES } from '../core/names.ts';
import type { SchemaDdl, TtlTarget } from './schema-ddl.ts';

/** A TTL the configuration sets on a table, with the keys it comes from (for messages and the schema script). */
export interface ConfiguredTtl {
  readonly table: string;
  readonly ttl: string;
  readonly source: string;
}

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

/**
 * Every TTL that comes from the configuration: the tiering and deletion of the
 * positions and their rollups (retention.*), and the raw frame archive's (gateway.raw_retention),
 * which migration 0022 created with the 90-day default.
 */
export function configuredTtls(config: Pick<FleetlakeConfig, 'retention' | 'gateway'>): readonly ConfiguredTtl[] {
  const { retention, gateway } = config;
  const retentionKeys = `retention.hot ${retention.hot.text}, retention.delete_after ${retention.delete_after.text}`;
  return [
    ...RETAINED_TABLES.map(({ table, since }) => ({ table, ttl: retentionTtl(retention, since), source: `${retentionKeys} (${table})` })),
    { table: TABLES.deviceFrames, ttl: `toDateTime(received_at) + ${toClickHouseInterval(gateway.raw_retention)} DELETE`, source: `gateway.raw_retention ${gateway.raw_retention.text}` },
  ];
}

/** The ALTER that sets a TTL. */
export function ttlStatement(ttl: string, target: TtlTarget): string {
  return `ALTER TABLE ${target.table}${target.onCluster} MODIFY TTL ${ttl}`;
}

/**
 * Makes every configured TTL match the configuration; returns the ones it
 * changed. Compares ClickHouse's own formatting of both sides, so a TTL
 * written differently but meaning the same is left alone. Existing parts are
 * not rewritten (materialize_ttl_after_modify = 0): new TTLs apply as parts
 * merge, and `ALTER TABLE … MATERIALIZE TTL` applies them at once.
 */
export async function applyRetention(client: ClickHouseClient, config: Pick<FleetlakeConfig, 'retention' | 'gateway'>, ddl: Pick<SchemaDdl, 'ttlTarget'>): Promise<ConfiguredTtl[]> {
  const changed: ConfiguredTtl[] = [];
  for (const configured of configuredTtls(config)) {
    if (await applyTtl(client, ttlStatement(configured.ttl, ddl.ttlTarget(configured.table)), ddl.ttlTarget(configured.table).table)) changed.push(configured);
  }
  return changed;
}

async function applyTtl(client: ClickHouseClient, alter: string, table: string): Promise<boolean> {
  const [database, name] = table.split('.');
  const [current] = await queryRows<{ create_table_query: string }>(
    client,
    `SELECT create_table_query FROM system.tables WHERE database = {db:String} AND name = {table:String}`,
    { db: database, table: name },
  );
  const [wanted] = await queryRows<{ ttl: string }>(client, `SELECT formatQuerySingleLine({q:String}) AS ttl`, { q: alter });
  // formatQuery wraps the alter command in parentheses: "ALTER TABLE t (MODIFY TTL <ttl>)".
  const wantedTtl = /MODIFY TTL (.*)\)\s*$/.exec(wanted?.ttl ?? '')?.[1] ?? '';
  // A table a later migration creates (a partial migration list, in tests) is set when it exists.
  if (!current) return false;
  if (wantedTtl !== '' && current.create_table_query.includes(`TTL ${wantedTtl}`)) return false;
  await client.command({ query: alter, clickhouse_settings: { materialize_ttl_after_modify: 0 } });
  return true;
}
