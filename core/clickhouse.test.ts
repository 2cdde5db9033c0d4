import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import h3 from 'h3-js';
import { insertSpoolDir } from './chdb-insert-spool.ts';
import { openClickHouse, queryRows } from './clickhouse.ts';
import { loadConfig } from './config.ts';
import { isFleetlakeError } from './errors.ts';
import { lockDataDir } from './data-dir-lock.ts';

describe('embedded ClickHouse', () => {
  it('has the hot and cold disks of the storage policy under its data directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fleetlake-ch-'));
    const ch = openClickHouse(loadConfig({ env: { FLEETLAKE_DATA_DIR: dataDir } }));
    try {
      const disks = await queryRows<{ name: string; path: string }>(ch.client, "SELECT name, path FROM system.disks WHERE name IN ('hot', 'cold') ORDER BY name");
      expect(disks).toEqual([
        { name: 'cold', path: join(dataDir, 'disks') + '/cold/' },
        { name: 'hot', path: join(dataDir, 'disks') + '/hot/' },
      ]);
      // The pinned argument order makes ClickHouse's H3 cells the ones h3-js computes.
      const [cell] = await queryRows<{ cell: string }>(ch.client, 'SELECT h3ToString(geoToH3({lat:Float64}, {lon:Float64}, 8)) AS cell', { lat: 45.50123, lon: -73.56789 });
      expect(cell?.cell).toBe(h3.latLngToCell(45.50123, -73.56789, 8));
    } finally {
      await ch.close();
    }
  });

  it('keeps per-query settings per query, as over HTTP: nothing leaks into later queries', async () => {
    const ch = openClickHouse(loadConfig({ env: { FLEETLAKE_DATA_DIR: mkdtempSync(join(tmpdir(), 'fleetlake-ch-')) } }));
    try {
      const setting = async (settings = {}) =>
        (await queryRows<{ v: string }>(ch.client, "SELECT toString(getSetting('max_execution_time')) AS v", {}, settings))[0]?.v;
      expect(await setting({ max_execution_time: 7 })).toBe('7');
      expect(await setting()).toBe('0');

      // A read-only query must not make the lake read-only for the writers that share it.
      await queryRows(ch.client, 'SELECT 1', {}, { readonly: '2' });
      await ch.client.command({ query: 'CREATE TABLE default.still_writable (a UInt8) ENGINE = Memory' });

      const refused = await ch.reader.command({ query: 'CREATE TABLE default.not_here (a UInt8) ENGINE = Memory' }).catch((e: unknown) => e);
      expect(refused).toMatchObject({ type: 'READONLY' });
      expect(await queryRows(ch.reader, 'SELECT 1 AS one', {}, { max_execution_time: 5 })).toEqual([{ one: 1 }]);
    } finally {
      await ch.close();
    }
  });

  it('takes insert bodies through files (core/chdb-insert-spool.ts): rows, settings and the deduplication token as over HTTP', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fleetlake-ch-'));
    const ch = openClickHouse(loadConfig({ env: { FLEETLAKE_DATA_DIR: dataDir } }));
    try {
      await ch.client.command({ query: 'CREATE TABLE default.spooled (id UInt32, name String) ENGINE = MergeTree ORDER BY id SETTINGS non_replicated_deduplication_window = 10' });
      const insert = async (token: string, body: string) =>
        (await ch.client.exec({ query: `INSERT INTO default.spooled (id, name) SETTINGS insert_deduplication_token = '${token} FORMAT x' FORMAT TabSeparated`, values: Readable.from([body]) })).stream.destroy();
      await insert('a', '1\tone\n2\ttwo\n');
      await insert('a', '1\tone\n2\ttwo\n');
      await insert('b', '');
      await ch.client.insert({ table: 'default.spooled', values: [{ id: 3, name: 'three' }], format: 'JSONEachRow' });
      expect(await queryRows(ch.client, 'SELECT id, name FROM default.spooled ORDER BY id')).toEqual([
        { id: 1, name: 'one' },
        { id: 2, name: 'two' },
        { id: 3, name: 'three' },
      ]);
      const refused = await insert('c', '4\tfour\textra\n').catch((e: unknown) => e);
      expect(refused).toMatchObject({ type: 'CANNOT_PARSE_INPUT_ASSERTION_FAILED', message: expect.stringMatching(/^Cannot parse input/) });
      // Every body's file is gone once its insert is done, refused or not.
      const spool = insertSpoolDir(dataDir);
      expect(readdirSync(spool).flatMap((d) => readdirSync(join(spool, d)))).toEqual([]);
    } finally {
      await ch.close();
    }
    // What a killed owner left is cleared by the next one to open the lake.
    writeFileSync(join(insertSpoolDir(dataDir), 'left-by-a-killed-owner'), 'x');
    const next = openClickHouse(loadConfig({ env: { FLEETLAKE_DATA_DIR: dataDir } }));
    expect(existsSync(insertSpoolDir(dataDir))).toBe(false);
    await next.close();
  });

  it('refuses a data directory another live process owns, naming the owner', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fleetlake-ch-'));
    const lock = lockDataDir(dataDir);
    try {
      let error: unknown;
      try {
        lockDataDir(dataDir);
      } catch (err) {
        error = err;
      }
      expect(isFleetlakeError(error, 'EMBEDDED_DATA_DIR_BUSY')).toBe(true);
    } finally {
      lock.release();
    }
    lockDataDir(dataDir).release();
  });
});
