import { describe, expect, it } from 'vitest';
import { returnsRows, splitStatements, stringLiteral, trailingFormat } from './sql-text.ts';

describe('splitStatements', () => {
  it('splits at semicolons on one line and across lines', () => {
    expect(splitStatements('SELECT 1; SELECT 2;\nSELECT 3')).toEqual(['SELECT 1', 'SELECT 2', 'SELECT 3']);
  });

  it('keeps semicolons inside literals, identifiers and comments', () => {
    const sql = "SELECT 'a;b', \"c;d\", `e;f` -- not; here\n/* nor; here */ FROM t; SELECT 'it''s;'";
    expect(splitStatements(sql)).toEqual(["SELECT 'a;b', \"c;d\", `e;f` \n  FROM t", "SELECT 'it''s;'"]);
  });

  it('handles backslash escapes in strings', () => {
    expect(splitStatements("SELECT 'a\\';b'; SELECT 2")).toEqual(["SELECT 'a\\';b'", 'SELECT 2']);
  });

  it('drops empty statements and comment-only text', () => {
    expect(splitStatements('-- only a comment\n;;  ;')).toEqual([]);
  });
});

describe('returnsRows', () => {
  it.each([
    ['SELECT 1', true],
    ['  with x as (select 1) select * from x', true],
    ['(SELECT 1) UNION ALL (SELECT 2)', true],
    ['SHOW TABLES', true],
    ['INSERT INTO t VALUES (1)', false],
    ['CREATE TABLE t (a UInt8) ENGINE = Memory', false],
  ])('%s -> %s', (sql, expected) => {
    expect(returnsRows(sql)).toBe(expected);
  });
});

describe('trailingFormat', () => {
  it('takes a FORMAT clause the user wrote', () => {
    expect(trailingFormat('SELECT 1 FORMAT JSONEachRow')).toEqual({ statement: 'SELECT 1', format: 'JSONEachRow' });
    expect(trailingFormat('SELECT 1')).toEqual({ statement: 'SELECT 1' });
  });
});

describe('stringLiteral', () => {
  it('escapes quotes and backslashes', () => {
    expect(stringLiteral("it's")).toBe("'it\\'s'");
    expect(stringLiteral('a\\b')).toBe("'a\\\\b'");
    expect(stringLiteral('kafka:fleet.positions:3:0-99')).toBe("'kafka:fleet.positions:3:0-99'");
  });
});
