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
 *   - no SET, and settings within the same ceilings as the server's settings
 *     constraints, so a request cannot lift its limits: URL settings, and a
 *     SETTINGS clause ending the statement (fleetlake's query API puts its
 *     time budget there), which is taken off and checked like URL settings; a
 *     SETTINGS clause anywhere else is refused;
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

/** An EXPLAIN of a statement (the API estimates area queries with EXPLAIN ESTIMATE): the explained statement is checked as if it ran. */
const EXPLAIN_PREFIX = /^EXPLAIN(?:\s+(?:AST|SYNTAX|PLAN|PIPELINE|ESTIMATE))?\s+/i;

/** What may run: the statement as ClickHouse formats it, and the settings of the SETTINGS clause that ended it. */
export interface CheckedStatement {
  readonly statement: string;
  readonly settings: Record<string, string>;
}

/** A SETTINGS clause ending a statement as formatQuerySingleLine writes it: plain names, number or word values. */
const TRAILING_SETTINGS = /\sSETTINGS\s+(\w+ = (?:-?\d+(?:\.\d+)?|'\w*')(?:, \w+ = (?:-?\d+(?:\.\d+)?|'\w*'))*)$/;

/** The statement once it passed every check, which the interface then runs with the settings (ceilSettings still applies). */
export async function checkReadOnlyStatement(client: ClickHouseClient, statement: string, params: Record<string, string>): Promise<CheckedStatement> {
  const [formatted] = await queryRows<{ q: string }>(client, 'SELECT formatQuerySingleLine({statement:String}) AS q', { statement });
  const normalized = formatted?.q ?? '';
  const trailing = TRAILING_SETTINGS.exec(normalized);
  const checked = trailing ? normalized.slice(0, trailing.index) : normalized;
  const settings = trailing ? parseSettings(trailing[1]!) : {};
  const explained = EXPLAIN_PREFIX.exec(checked)?.[0].length ?? 0;
  const inner = checked.slice(explained);
  const keyword = /^\(*\s*(\w+)/.exec(inner)?.[1]?.toUpperCase() ?? '';
  if (keyword === 'SET') throw refusedSettings();
  if (explained === 0 && (keyword === 'SHOW' || PLAIN_TABLE.test(checked))) {
    // No AST is read for these: any SETTINGS left is one the clause above did not take.
    if (/\sSETTINGS\s/i.test(checked)) throw refusedSettings();
    return { statement: checked, settings };
  }
  if (keyword !== 'SELECT' && keyword !== 'WITH') {
    throw new StatementRefused('164', 'READONLY', `Cannot execute query in readonly mode: this interface runs SELECT, SHOW, DESCRIBE, EXISTS and EXPLAIN on the lake, not ${keyword}`);
  }
  if (/\bINTO OUTFILE\b/i.test(inner)) throw new StatementRefused('497', 'ACCESS_DENIED', 'INTO OUTFILE is refused: read the result from the response instead');
  // In a subquery, so the client's FORMAT applies to the outer SELECT and not to the statement explained.
  const lines = (await queryRows<{ explain: string }>(client, `SELECT explain FROM (EXPLAIN AST ${inner})`, params)).map((r) => r.explain);
  for (const [i, line] of lines.entries()) {
    const node = line.trim();
    if (node === 'Set') throw refusedSettings();
    const fn = /^Function (\w+)/.exec(node)?.[1];
    if (fn && /^TableExpression\b/.test(lines[i - 1]?.trim() ?? '') && !LOCAL_TABLE_FUNCTIONS.has(fn)) {
      throw new StatementRefused('497', 'ACCESS_DENIED', `table function ${fn} is refused: this interface reads the lake and nothing outside it`);
    }
  }
  return { statement: checked, settings };
}

/** `a = 1, b = 'x'` → { a: '1', b: 'x' }, as URL parameters would give them. */
function parseSettings(clause: string): Record<string, string> {
  return Object.fromEntries(clause.split(', ').map((pair) => {
    const [name, value] = pair.split(' = ') as [string, string];
    return [name, value.replace(/^'|'$/g, '')];
  }));
}

function refusedSettings(): StatementRefused {
  return new StatementRefused('497', 'ACCESS_DENIED', "SET, and SETTINGS anywhere but at the end of the statement, are refused here: pass settings as URL parameters or a final SETTINGS clause, within this interface's ceilings");
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
