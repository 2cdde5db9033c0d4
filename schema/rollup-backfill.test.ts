import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClickHouse, queryRows, type ClickHouse } from '../core/clickhouse.ts';
import { loadConfig, type FleetlakeConfig } from '../core/config.ts';
import { loadGeneratedPositions } from '../queries/testing/generated-positions.ts';
import { migrate } from './migrate.ts';
import { readMigrations } from './migrations.ts';
import { backfillRollups, ROLLUP_MIGRATION } from './rollup-backfill.ts';

/** Each rollup against the same aggregation computed from raw positions, row by row. */
async function mismatches(ch: ClickHouse, table: string, bucket: string): Promise<number> {
  const [row] = await queryRows<{ n: string }>(
    ch.client,
    `SELECT count() AS n FROM (
       SELECT h3_cell, ${bucket}(ts) AS b, vehicle_id, vehicle_type, min(ts) AS f, max(ts) AS l, count() AS c, max(speed_kmh) AS s, countIf(toFloat64(speed_kmh) >= 5) AS m
       FROM fleet.positions GROUP BY ALL
     ) AS raw
     FULL OUTER JOIN (
       SELECT h3_cell, ${table === 'fleet.presence_hourly' ? 'hour' : 'day'} AS b, vehicle_id, vehicle_type, min(first_ts) AS f, max(last_ts) AS l, sum(positions) AS c, max(max_speed_kmh) AS s, sum(moving_positions) AS m
       FROM ${table} GROUP BY ALL
     ) AS rollup USING (h3_cell, b, vehicle_id, vehicle_type)
     WHERE raw.f != rollup.f OR raw.l != rollup.l OR raw.c != rollup.c OR raw.s != rollup.s OR raw.m != rollup.m`,
  );
  return Number(row?.n);
}

describe('presence rollups of a lake that held positions before them', () => {
  let dir: string;
  let config: FleetlakeConfig;
  let ch: ClickHouse;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetlake-backfill-'));
    config = loadConfig({ env: {}, overrides: { clickhouse: { data_dir: dir } } });
    ch = openClickHouse(config);
    const before = readMigrations().filter((m) => m.name < ROLLUP_MIGRATION);
    await migrate(ch.client, config, before);
    // Two months, so the backfill goes partition by partition.
    const fromMs = Date.parse('2025-02-28T20:00:00Z');
    await loadGeneratedPositions(ch.client, { vehicles: 40, seed: 3, fromMs, toMs: fromMs + 8 * 3_600_000, intervalMs: 30_000 });
  });
  afterAll(async () => {
    await ch?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('are filled from the stored positions when migrate creates them, exactly', async () => {
    const result = await migrate(ch.client, config);
    expect(result.applied).toContain(ROLLUP_MIGRATION);
    expect(result.rollupsBackfilled?.partitions).toEqual(['202502', '202503']);
    expect(await mismatches(ch, 'fleet.presence_hourly', 'toStartOfHour')).toBe(0);
    expect(await mismatches(ch, 'fleet.presence_daily', 'toStartOfDay')).toBe(0);
  });

  it('stay exact when rebuilt again, and when positions arrive through the views afterwards', async () => {
    await backfillRollups(ch.client);
    await backfillRollups(ch.client, { months: ['202503'] });
    const fromMs = Date.parse('2025-03-01T02:00:00Z');
    await loadGeneratedPositions(ch.client, { vehicles: 10, seed: 4, fromMs, toMs: fromMs + 3_600_000, intervalMs: 20_000 });
    expect(await mismatches(ch, 'fleet.presence_hourly', 'toStartOfHour')).toBe(0);
    expect(await mismatches(ch, 'fleet.presence_daily', 'toStartOfDay')).toBe(0);
    const [tables] = await queryRows<{ n: string }>(ch.client, "SELECT count() AS n FROM system.tables WHERE database = 'fleet' AND name LIKE '%backfill%'");
    expect(tables?.n).toBe('0');
  });
});
