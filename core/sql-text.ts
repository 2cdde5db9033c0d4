/**
 * Splits SQL text into statements at semicolons outside string literals,
 * quoted identifiers and comments, as clickhouse-client --queries-file does.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    const next = sql[i + 1];
    if (ch === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
      continue;
    }
    if (ch === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
      current += ' ';
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') {
      const end = closingQuote(sql, i);
      current += sql.slice(i, end);
      i = end;
      continue;
    }
    if (ch === ';') {
      statements.push(current);
      current = '';
      i++;
      continue;
    }
    current += ch;
    i++;
  }
  statements.push(current);
  return statements.map((s) => s.trim()).filter((s) => s !== '');
}

/** Index just past the quote that closes the literal opened at `start` (backslash escapes and doubled quotes). */
function closingQuote(sql: string, start: number): number {
  const quote = sql[start];
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === '\\') i += 2;
    else if (sql[i] === quote && sql[i + 1] === quote) i += 2;
    else if (sql[i] === quote) return i + 1;
    else i++;
  }
  return sql.length;
}

/** Statements that answer with rows (as opposed to DDL/DML that answer with nothing). */
export function returnsRows(statement: string): boolean {
  return /^\s*(\(\s*)*(SELECT|WITH|SHOW|DESCRIBE|DESC|EXPLAIN|EXISTS|CHECK)\b/i.test(statement);
}

/** A trailing `FORMAT Name` clause, which the caller may have written itself. */
export function trailingFormat(statement: string): { statement: string; format?: string } {
  const match = /\s+FORMAT\s+([A-Za-z0-9_]+)\s*$/i.exec(statement);
  return match ? { statement: statement.slice(0, match.index), format: match[1] } : { statement };
}

/** A ClickHouse string literal: single quotes, with backslashes and quotes escaped. */
export function stringLiteral(text: string): string {
  return `'${text.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}
