import { DATABASE, TABLES } from '../core/names.ts';
import { renderClusterStatement } from './cluster-ddl.ts';
import { localTable } from './cluster-placement.ts';
import type { Migration } from './migrations.ts';

/** The DDL of one deployment mode: one node (`cluster` empty) or a ClickHouse cluster. */
export interface SchemaDdl {
  /** Statements run before any migration: the database and the table recording applied migrations. */
  readonly prelude: readonly string[];
  /** A migration's statements as this mode runs them. On one node, the file's own statements, unchanged. */
  statements(migration: Migration): readonly string[];
  /** Where the retention TTLs are set: the table holding a table's rows, and ON CLUSTER when there is one. */
  readonly retention: { stored(table: string): string; readonly onCluster: string };
}

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS ${TABLES.migrations}
            (name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
            ENGINE = MergeTree ORDER BY name`;

export function schemaDdl(cluster: string): SchemaDdl {
  if (cluster === '') {
    return {
      prelude: [`CREATE DATABASE IF NOT EXISTS ${DATABASE}`, MIGRATIONS_TABLE],
      statements: (migration) => migration.statements,
      retention: { stored: (table) => table, onCluster: '' },
    };
  }
  const render = (statement: string) => renderClusterStatement(statement, cluster);
  return {
    prelude: [`CREATE DATABASE IF NOT EXISTS ${DATABASE} ON CLUSTER ${cluster}`, ...render(MIGRATIONS_TABLE)],
    statements: (migration) => migration.statements.flatMap(render),
    retention: { stored: localTable, onCluster: ` ON CLUSTER ${cluster}` },
  };
}
