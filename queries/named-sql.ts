import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FleetlakeError } from '../core/errors.ts';
import { returnsRows, splitStatements, trailingFormat } from '../core/sql-text.ts';
import { POSITION_TABLES, RESTRICTION_PARAMS } from './auth/restriction.ts';

/**
 * The SQL the query API runs, one commented file per query in queries/sql/.
 * The same files run unchanged with `clickhouse-client --queries-file` and
 * `fleetlake sql --file`; the API reads them at boot, so there is one source.
 */
export const NAMED_SQL_DIR = fileURLToPath(new URL('./sql/', import.meta.url));

export const QUERY_NAMES = [
  'area-vehicles',
  'area-positions',
  'area-vehicles-table',
  'area-vehicles-rollup',
  'vehicle-track',
  'vehicles-latest',
  'districts-list',
  'district-get',
  'district-count',
  'district-occupancy',
  'heatmap',
  'devices-list',
] as const;
export type QueryName = (typeof QUERY_NAMES)[number];

export interface NamedQuery {
  readonly name: QueryName;
  readonly file: string;
  /** The one statement of the file, comments removed, without FORMAT or SETTINGS. */
  readonly sql: string;
  /** Placeholder name → ClickHouse type, as written in the file. */
  readonly params: ReadonlyMap<string, string>;
}

export type NamedQueries = { readonly [N in QueryName]: NamedQuery };

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*):([^{}]+)\}/g;

/** Reads and checks every named query; a malformed file fails at boot, naming the file. */
export function loadNamedQueries(dir: string = NAMED_SQL_DIR): NamedQueries {
  const queries: Partial<Record<QueryName, NamedQuery>> = {};
  for (const name of QUERY_NAMES) queries[name] = readNamedQuery(name, join(dir, `${name}.sql`));
  return queries as NamedQueries;
}

export function readNamedQuery(name: QueryName, file: string): NamedQuery {
  const invalid = (detail: string) => new FleetlakeError('NAMED_QUERY_INVALID', { file, detail });
  const statements = splitStatements(readFileSync(file, 'utf8'));
  const [sql] = statements;
  if (statements.length !== 1 || sql === undefined) throw invalid(`a named query holds exactly one statement, found ${statements.length}`);
  if (!returnsRows(sql)) throw invalid('a named query must be a SELECT');
  // The API appends its own SETTINGS (time budget, readonly) and FORMAT.
  if (trailingFormat(sql).format !== undefined || /\bSETTINGS\s+\w+\s*=/i.test(sql)) {
    throw invalid('a named query must not carry FORMAT or SETTINGS; the caller adds them');
  }
  const params = new Map<string, string>();
  for (const [, param, type] of sql.matchAll(PLACEHOLDER)) {
    const known = params.get(param!);
    if (known !== undefined && known !== type) throw invalid(`{${param}} is declared both as ${known} and as ${type}: give it one type`);
    params.set(param!, type!);
  }
  if (POSITION_TABLES.test(sql)) {
    const missing = RESTRICTION_PARAMS.filter((p) => !params.has(p));
    if (missing.length > 0) throw invalid(`reads positions but does not apply the API key's restriction {${missing.join(', ')}} (queries/auth/restriction.ts)`);
  }
  return { name, file, sql, params };
}
