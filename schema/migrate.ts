import type { ClickHouseClient } from '@clickhouse/client';
import { queryRows } from '../core/clickhouse.ts';
import type { FleetlakeConfig } from '../core/config.ts';
import { FleetlakeError, errorMessage } from '../core/errors.ts';
import { TABLES } from '../core/names.ts';
import { readMigrations, type Migration } from './migrations.ts';
import { ensureDistricts } from '../queries/districts-store.ts';
import { applyRetention } from './retention.ts';
import { backfillRollups, ROLLUP_MIGRATION, type BackfillReport } from './rollup-backfill.ts';
import { schemaDdl } from './schema-ddl.ts';

export interface MigrateResult {
  readonly applied: readonly string[];
  readonly alreadyApplied: readonly string[];
  /** A configured TTL differed from the table's and was set (retention.*, gateway.raw_retention). */
  readonly retentionChanged: boolean;
  /** The configuration keys of each TTL set, e.g. `gateway.raw_retention 30d`. */
  readonly retentionSet: readonly string[];
  /** The default districts, when fleet.districts was empty and this run loaded them. */
  readonly districtsLoaded?: { readonly from: string; readonly count: number };
  /** The positions already stored when this run created the presence rollups, now in them too. */
  readonly rollupsBackfilled?: BackfillReport;
}

/**
 * Brings the lake's schema up to date: applies each migration not yet
 * recorded, in order, recording its checksum; refuses to go on when an
 * applied migration's file has changed since. Then loads the default data
 * (the built-in districts) into empty tables: this is the step that runs
 * with a writing user, the API never writes them. Safe to run again and again.
 * With `clickhouse.cluster` set, the same migrations run in their cluster
 * rendering (schema/cluster-ddl.ts) and are recorded under the same checksums.
 */
export async function migrate(
  client: ClickHouseClient,
  config: FleetlakeConfig,
  migrations: readonly Migration[] = readMigrations(),
): Promise<MigrateResult> {
  const ddl = schemaDdl(config.clickhouse.cluster);
  for (const statement of ddl.prelude) await client.command({ query: statement });
  const recorded = new Map(
    (await queryRows<{ name: string; checksum: string }>(client, `SELECT name, checksum FROM ${TABLES.migrations}`)).map((r) => [r.name, r.checksum]),
  );
  const known = new Set(migrations.map((m) => m.name));
  for (const name of recorded.keys()) {
    if (!known.has(name)) throw new FleetlakeError('MIGRATION_UNKNOWN', { name });
  }

  const applied: string[] = [];
  const alreadyApplied: string[] = [];
  for (const migration of migrations) {
    const previous = recorded.get(migration.name);
    if (previous !== undefined) {
      if (previous !== migration.checksum) {
        throw new FleetlakeError('MIGRATION_CHECKSUM_MISMATCH', { name: migration.name, applied: previous.slice(0, 12), current: migration.checksum.slice(0, 12) });
      }
      alreadyApplied.push(migration.name);
      continue;
    }
    for (const statement of ddl.statements(migration)) {
      try {
        await client.command({ query: statement });
      } catch (err) {
        throw new FleetlakeError('MIGRATION_FAILED', { name: migration.name, detail: errorMessage(err) }, { cause: err });
      }
    }
    await client.insert({ table: TABLES.migrations, values: [{ name: migration.name, checksum: migration.checksum }], format: 'JSONEachRow' });
    applied.push(migration.name);
  }
  const retentionSet = (await applyRetention(client, config, ddl)).map((t) => t.source);
  const districts = await ensureDistricts(client);
  // An existing lake gets rollups of its history once, when they are created (a cluster: per shard, docs/storage.md).
  const backfill = applied.includes(ROLLUP_MIGRATION) && config.clickhouse.cluster === '' ? await backfillRollups(client, { migrations }) : undefined;
  return {
    applied,
    alreadyApplied,
    retentionChanged: retentionSet.length > 0,
    retentionSet,
    ...(districts.loadedFrom ? { districtsLoaded: { from: districts.loadedFrom, count: districts.count } } : {}),
    ...(backfill && backfill.positions > 0 ? { rollupsBackfilled: backfill } : {}),
  };
}
