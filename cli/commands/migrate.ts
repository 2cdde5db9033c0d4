import { openClickHouse } from '../../core/clickhouse.ts';
import { migrate } from '../../schema/migrate.ts';
import { createFirstAdminKey } from '../../queries/auth/first-admin-key.ts';
import { backfillRollups, type BackfillReport } from '../../schema/rollup-backfill.ts';
import { schemaScript } from '../../schema/schema-script.ts';
import { parseCommandArgs } from '../args.ts';
import type { Command } from '../command.ts';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'create or upgrade the fleet database (idempotent)',
  help: `Usage: fleetlake migrate [--admin-key-file PATH] [--rebuild-rollups all|YYYYMM,...] [--print]

Applies the ordered migrations in schema/migrations/ that the lake has not
recorded yet, sets the positions TTL from retention.hot and
retention.delete_after and the raw frame archive's (fleet.device_frames) from
gateway.raw_retention, and loads the built-in Montréal districts when
fleet.districts is empty ('fleetlake districts load' replaces them). Running
it again changes nothing. An applied
migration whose file was edited since is refused: add a new migration instead.

  --admin-key-file PATH  on first start, when PATH does not exist and no active
                         key has the admin scope, create an API key "admin" with
                         every scope and write it to PATH (mode 0600); the
                         compose stack uses this (./secrets/admin-api-key)

Works on the configured ClickHouse: a server when CLICKHOUSE_URL is set,
otherwise the embedded engine in FLEETLAKE_DATA_DIR (default ./data).

With clickhouse.cluster (FLEETLAKE_CLICKHOUSE_CLUSTER) set, creates the schema
on that ClickHouse cluster: Replicated tables on every shard behind Distributed
tables of the usual names, every statement ON CLUSTER (docs/cluster.md).

  --rebuild-rollups all|YYYYMM,...
                         rebuild the presence rollups from fleet.positions, for
                         every month (all) or the months given;
                         idempotent. migrate does it by itself when it creates the
                         rollups on a lake that holds positions. Stop ingest first:
                         a month being rebuilt may miss positions inserted meanwhile

  --print   print the DDL for the configured mode and exit; connects to nothing`,
  async run(ctx) {
    const { values } = parseCommandArgs('migrate', ctx.argv, { 'admin-key-file': { type: 'string' }, 'rebuild-rollups': { type: 'string' }, print: { type: 'boolean' } });
    const config = ctx.loadConfig();
    if (values.print) {
      ctx.stdout.write(schemaScript(config));
      return 0;
    }
    const ch = openClickHouse(config);
    try {
      const result = await migrate(ch.client, config);
      for (const name of result.applied) ctx.stdout.write(`applied ${name}\n`);
      for (const source of result.retentionSet) ctx.stdout.write(`retention set: ${source}\n`);
      if (result.rollupsBackfilled) ctx.stdout.write(rollupReport(result.rollupsBackfilled));
      const rebuild = values['rebuild-rollups'];
      if (rebuild !== undefined) {
        const months = rebuild === 'all' ? undefined : rebuild.split(',').map((m) => m.trim());
        ctx.stdout.write(rollupReport(await backfillRollups(ch.client, months ? { months } : {})));
      }
      if (result.districtsLoaded) ctx.stdout.write(`loaded ${result.districtsLoaded.count} default districts from ${result.districtsLoaded.from}\n`);
      const keyFile = values['admin-key-file'];
      if (keyFile !== undefined && (await createFirstAdminKey(ch.client, keyFile))) ctx.stdout.write(`created the admin API key; it is in ${keyFile}\n`);
      if (result.applied.length === 0 && !result.retentionChanged && !result.districtsLoaded && rebuild === undefined) ctx.stdout.write(`up to date (${result.alreadyApplied.length} migrations) on ${ch.location}\n`);
      return 0;
    } finally {
      await ch.close();
    }
  },
};

function rollupReport(report: BackfillReport): string {
  return `presence rollups built from ${report.positions.toLocaleString('en')} positions (months ${report.partitions.join(', ') || 'none'})\n`;
}
