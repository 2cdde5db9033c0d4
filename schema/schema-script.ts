import type { FleetlakeConfig } from '../core/config.ts';
import { readMigrations, type Migration } from './migrations.ts';
import { retentionStatements } from './retention.ts';
import { schemaDdl } from './schema-ddl.ts';

/**
 * The whole schema as one SQL script, in the order `fleetlake migrate` runs
 * it, for the configured mode (one node, or `clickhouse.cluster`): for review,
 * for a DBA who applies DDL by hand, and for the golden files of the tests.
 * It does not record migrations; `fleetlake migrate` does.
 */
export function schemaScript(config: FleetlakeConfig, migrations: readonly Migration[] = readMigrations()): string {
  const ddl = schemaDdl(config.clickhouse.cluster);
  const mode = config.clickhouse.cluster === '' ? 'one node' : `cluster ${config.clickhouse.cluster}`;
  const sections = [
    `-- fleetlake schema for ${mode}, as \`fleetlake migrate\` applies it\n${ddl.prelude.map(terminated).join('\n')}`,
    ...migrations.map((m) => `-- ${m.name}\n${ddl.statements(m).map(terminated).join('\n')}`),
    `-- retention (retention.hot ${config.retention.hot.text}, retention.delete_after ${config.retention.delete_after.text}); migrate runs it when the TTL differs\n${retentionStatements(config.retention, ddl.retention).map(terminated).join('\n')}`,
  ];
  return sections.join('\n');
}

function terminated(statement: string): string {
  return `${statement};\n`;
}
