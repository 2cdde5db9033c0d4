import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../core/clickhouse.ts';
import { loadConfig, type FleetlakeConfig } from '../core/config.ts';
import { TABLES } from '../core/names.ts';
import { backfillMessages } from '../generator/index.ts';
import { openTestLake, type TestLake } from '../test-support/lake.ts';
import { runIngest } from './run-ingest.ts';
import { createFileSource, inspectFile } from './sources/file.ts';
import { duplicateRows, expectedChecksums, storedChecksums } from './testing/checksums.ts';

interface Wire {
  vehicle_id: string;
  ts: string;
  lat: number;
  lon: number;
  speed_kmh: number;
  heading_deg: number;
  vehicle_type?: string;
}

describe('file import', () => {
  let lake: TestLake;
  let dir: string;
  let config: FleetlakeConfig;
  beforeAll(async () => {
    lake = await openTestLake();
    dir = mkdtempSync(join(tmpdir(), 'fleetlake-import-'));
    config = loadConfig({ env: {}, overrides: { clickhouse: { data_dir: lake.dataDir }, ingest: { metrics_port: 0, batch_rows: 400 } } });
  });
  afterAll(async () => {
    await lake?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const importFile = async (path: string) => {
    const source = createFileSource(await inspectFile(path), lake.ch.client);
    const summary = await runIngest({ source, client: lake.ch.client, config });
    return { summary, read: source.read };
  };
  const positions = (seed: number, fromMs: number) => [...backfillMessages({ vehicles: 30, seed, fromMs, toMs: fromMs + 300_000, intervalMs: 5000 })].map((m) => m.value);
  const rejectsOf = (path: string) =>
    queryRows<{ offset: string; reason: string; source: string }>(lake.ch.client, `SELECT offset, reason, source FROM ${TABLES.ingestRejects} WHERE topic = {path:String} ORDER BY offset`, { path });

  const ndjsonGood = positions(1, Date.now() - 7_200_000);
  const csvGood = positions(2, Date.now() - 3_600_000);

  it('imports NDJSON through validation and batching; blank lines are skipped and bad lines refused with their line number', async () => {
    const path = join(dir, 'positions.ndjson');
    const lines = [...ndjsonGood.slice(0, 500), '', 'not json at all', ...ndjsonGood.slice(500), '{"vehicle_id":"v-1","ts":"2026-01-01T00:00:00Z"}', ''];
    writeFileSync(path, lines.join('\n'));

    const { summary, read } = await importFile(path);
    expect(summary.rows).toBe(ndjsonGood.length);
    expect(read).toMatchObject({ resumedAt: 1, messages: ndjsonGood.length + 2 });
    expect(await rejectsOf(path)).toEqual([
      { offset: '502', reason: 'not_json', source: 'file' },
      { offset: String(ndjsonGood.length + 3), reason: 'missing_field', source: 'file' },
    ]);
    expect(await storedChecksums(lake.ch.client)).toEqual(expectedChecksums(ndjsonGood));
  });

  it('imports CSV with a header in any column order, through the same checks', async () => {
    const path = join(dir, 'positions.csv');
    const rows = csvGood.map((v) => {
      const p = JSON.parse(v) as Wire;
      return [p.ts, p.vehicle_id, p.lat, p.lon, p.speed_kmh, p.heading_deg, p.vehicle_type ?? ''].join(',');
    });
    const bad = ['2026-01-01T00:00:00Z,v-1,45.5', '2026-01-01T00:00:00Z,v-1,north,-73.5,1,1,car', '"2026-01-01T00:00:00Z,v-1,45.5,-73.5,1,1,car'];
    writeFileSync(path, ['ts,vehicle_id,lat,lon,speed_kmh,heading_deg,vehicle_type', ...rows, ...bad].join('\r\n') + '\r\n');

    const { summary } = await importFile(path);
    expect(summary.rows).toBe(csvGood.length);
    const first = csvGood.length + 2;
    expect(await rejectsOf(path)).toEqual([
      { offset: String(first), reason: 'not_an_object', source: 'file' },
      { offset: String(first + 1), reason: 'wrong_type', source: 'file' },
      { offset: String(first + 2), reason: 'not_an_object', source: 'file' },
    ]);
    expect(await storedChecksums(lake.ch.client)).toEqual(expectedChecksums([...ndjsonGood, ...csvGood]));
  });

  it('inserts nothing when the same files are imported again', async () => {
    for (const name of ['positions.ndjson', 'positions.csv']) {
      const { summary, read } = await importFile(join(dir, name));
      expect(summary.rows).toBe(0);
      expect(read.messages).toBe(0);
      expect(read.resumedAt).toBeGreaterThan(1);
    }
    expect(await storedChecksums(lake.ch.client)).toEqual(expectedChecksums([...ndjsonGood, ...csvGood]));
    expect(await rejectsOf(join(dir, 'positions.csv'))).toHaveLength(3);
  });

  it('still inserts nothing when the progress record is gone: the journal re-cuts the same batches and their dedup tokens match', async () => {
    await lake.ch.client.command({ query: `TRUNCATE TABLE ${TABLES.ingestFileProgress}` });
    const { summary, read } = await importFile(join(dir, 'positions.ndjson'));
    expect(read).toMatchObject({ resumedAt: 1, messages: ndjsonGood.length + 2 });
    expect(summary.batches).toBeGreaterThan(1); // acknowledged again, and dropped by ClickHouse as repeats
    expect(await storedChecksums(lake.ch.client)).toEqual(expectedChecksums([...ndjsonGood, ...csvGood]));
    expect(await duplicateRows(lake.ch.client)).toBe(0);
    expect(await rejectsOf(join(dir, 'positions.ndjson'))).toHaveLength(2);
  });
});
