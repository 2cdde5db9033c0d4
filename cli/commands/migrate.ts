import { openClickHouse } from '../../core/clickhouse.ts';
import { migrate } from '../../schema/migrate.ts';
import { parseCommandArgs } from '../args.ts';
import type { Command } from '../command.ts';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'create or upgrade the fleet database (idempotent)',
  help: `Usage: fleetlake migrate

Applies the ordered migrations in schema/migrations/ that the lake has not
recorded yet, then sets the positions TTL from retention.hot and
retention.delete_after. Running it again changes nothing. An applied
migration whose file was edited since is refused: add a new migration instead.

Works on the configured ClickHouse: a server when CLICKHOUSE_URL is set,
otherwise the embedded engine in FLEETLAKE_DATA_DIR (default ./data).`,
  async run(ctx) {
    parseCommandArgs('migrate', ctx.argv, {});
    const config = ctx.loadConfig();
    const ch = openClickHouse(config);
    try {
      const result = await migrate(ch.client, config);
      for (const name of result.applied) ctx.stdout.write(`applied ${name}\n`);
      if (result.retentionChanged) ctx.stdout.write(`retention set: hot ${config.retention.hot.text}, delete after ${config.retention.delete_after.text}\n`);
      if (result.applied.length === 0 && !result.retentionChanged) ctx.stdout.write(`up to date (${result.alreadyApplied.length} migrations) on ${ch.location}\n`);
      return 0;
    } finally {
      await ch.close();
    }
  },
};
