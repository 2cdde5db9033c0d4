import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createInsertSpool, type SpooledInsert } from './chdb-insert-spool.ts';

describe('the embedded engine’s insert spool', () => {
  const parent = () => mkdtempSync(join(tmpdir(), 'fleetlake-spool-test-'));
  const files = (dir: string) => readdirSync(dir).flatMap((sub) => readdirSync(join(dir, sub)));
  const fileOf = (query: string) => /FROM INFILE '([^']+)'/.exec(query)![1]!;

  it('moves the body to a file that the statement reads, SETTINGS and FORMAT kept after FROM INFILE', async () => {
    const dir = parent();
    const spool = createInsertSpool(dir);
    const spooled = (await spool.spool(
      "INSERT INTO fleet.positions (vehicle_id, ts) SETTINGS insert_deduplicate = 1, insert_deduplication_token = 'a FORMAT b' FORMAT TabSeparated",
      Readable.from([Buffer.from('v-1\t1.5\n'), Buffer.from('v-2\t2.5\n')]),
    )) as SpooledInsert;
    const path = fileOf(spooled.query);
    expect(spooled.query).toBe(
      `INSERT INTO fleet.positions (vehicle_id, ts) FROM INFILE '${path}' SETTINGS insert_deduplicate = 1, insert_deduplication_token = 'a FORMAT b' FORMAT TabSeparated`,
    );
    expect(readFileSync(path, 'utf8')).toBe('v-1\t1.5\nv-2\t2.5\n');
    const plain = (await spool.spool('insert into t format JSONEachRow', '{"a":1}')) as SpooledInsert;
    expect(plain.query).toBe(`insert into t FROM INFILE '${fileOf(plain.query)}' format JSONEachRow`);
    expect(files(dir)).toHaveLength(2);
    await spooled.release();
    await plain.release();
    expect(files(dir)).toEqual([]);
    spool.close();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('leaves other statements and empty bodies to the connection', async () => {
    const dir = parent();
    const spool = createInsertSpool(dir);
    expect(await spool.spool('INSERT INTO t SELECT * FROM s', Readable.from(['x']))).toBeUndefined();
    expect(await spool.spool('SELECT 1 FORMAT TabSeparated', 'x')).toBeUndefined();
    expect(await spool.spool('INSERT INTO t FORMAT TabSeparated', Readable.from([]))).toBe('empty');
    expect(files(dir)).toEqual([]);
    spool.close();
  });
});
