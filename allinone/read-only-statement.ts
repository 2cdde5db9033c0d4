import type { ClickHouseClient } from '@clickhouse/client';
import { queryRows } from '../core/clickhouse.ts';

/**
 * What the embedded lake's HTTP interface lets a query do, as a ClickHouse
 * server's reader user would (schema/clickhouse/users.d/fleetlake.xml): read
 * the lake, nothing else. readonly = 2 already stops writes and DDL; the
 * embedded engine has no users or grants, so the rest is checked here, on
 * ClickHouse's own parse of the statement:
 *   - one statement (formatQuery refuses more), which is what then runs;
 *   - no table function that reaches outside the lake (url, s3, file,
 *     remote, mysql, executable, …): only those that make rows from nothing;
 *   - no SET or SETTINGS clause, and URL settings within the same ceilings as
 *     the server's settings constraints, so a request cannot lift its limits;
 *   - no INTO OUTFILE (the embedded engine would write the file itself).
 */
export const LOCAL_TABLE_FUNCTIONS: ReadonlySet<string> = new Set([
  'numbers', 'numbers_mt', 'zeros', 'zeros_mt', 'generate_series', 'generateSeries', 'values', 'null', 'view', 'merge', 'generateRandom',
]);

/** The ceilings a request may not lift, and their value when it sets none: the reader profile's constraints. */
export const READER_CEILINGS = {
  max_execution_time: 60,
  max_memory_usage: 4_000_000_000,
  max_result_rows: 1_000_000,
} as const satisfies Record<string, number>;

/** A refusal in ClickHouse's terms, so clients type it as they would a server's. */
export class StatementRefused extends Error {
  readonly code: string;
  readonly type: string;
  constructor(code: '164' | '452' | '497', type: 'READONLY' | 'SETTING_CONSTRAINT_VIOLATION' | 'ACCESS_DENIED', message: string) {
    super(message);
    this.code = code;
    this.type = type;
  }
}

/** A table named plainly, for DESCRIBE and EXISTS: no parentheses, so no table function. */
const PLAIN_TABLE = /^(DESCRIBE|DESC|EXISTS)\s+(TABLE\s+)?[\w.`"]+$/i;

/** The statement as ClickHouse formats it, once it passed every check; what the interface then runs. */
export async function checkReadOnlyStatement(client: ClickHouseClient, statement: string, params: Record<string, string>): Promise<string> {
  const [formatted] = await queryRows<{ q: string }>(client, 'SELECT formatQuerySingleLine({statement:String}) AS q', { statement });
  const normalized = formatted?.q ?? '';
  const keyword = /^\(*\s*(\w+)/.exec(normalized)?.[1]?.toUpperCase() ?? '';
  if (keyword === 'SET') throw refusedSettings();
  if (keyword === 'SHOW' || PLAIN_TABLE.test(normalized)) return normalized;
  if (keyword !== 'SELECT' && keyword !== 'WITH') {
    throw new StatementRefused('164', 'READONLY', `Cannot execute query in readonly mode: this interface runs SELECT, SHOW, DESCRIBE and EXISTS on the lake, not ${keyword}`);
  }
  if (/\bINTO OUTFILE\b/i.test(normalized)) throw new StatementRefused('497', 'ACCESS_DENIED', 'INTO OUTFILE is refused: read the result from the response instead');
  // In a subquery, so the client's FORMAT applies to the outer SELECT and not to the statement explained.
  const lines = (await queryRows<{ explain: string }>(client, `SELECT explain FROM (EXPLAIN AST ${normalized})`, params)).map((r) => r.explain);
  for (const [i, line] of lines.entries()) {
    const node = line.trim();
    if (node === 'Set') throw refusedSettings();
    const fn = /^Function (\w+)/.exec(node)?.[1];
    if (fn && /^TableExpression\b/.test(lines[i - 1]?.trim() ?? '') && !LOCAL_TABLE_FUNCTIONS.has(fn)) {
      throw new StatementRefused('497', 'ACCESS_DENIED', `table function ${fn} is refused: this interface reads the lake and nothing outside it`);
    }
  }
  return normalized;
}

function refusedSettings(): StatementRefused {
  return new StatementRefused('497', 'ACCESS_DENIED', "SET and SETTINGS are refused here: pass settings as URL parameters, within this interface's ceilings");
}

/** URL settings with the ceilings applied: absent ones get the ceiling, higher ones (or 0, "unlimited") are refused. */
export function ceilSettings(requested: Record<string, string>): Record<string, string> {
  const settings = { ...requested };
  for (const [name, ceiling] of Object.entries(READER_CEILINGS)) {
    const value = settings[name];
    if (value === undefined) {
      settings[name] = String(ceiling);
      continue;
    }
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0 || n > ceiling) {
      throw new StatementRefused('452', 'SETTING_CONSTRAINT_VIOLATION', `setting ${name} = ${value} is outside this interface's limit: give 1 to ${ceiling}`);
    }
  }
  return settings;
}
