import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../core/clickhouse.ts';
import { TABLES } from '../core/names.ts';
import { openTestLake, type TestLake } from '../test-support/lake.ts';
import { measureCalibration } from './calibrate.ts';
import { readCalibration, writeCalibration, type Calibration } from './calibration.ts';
import { ingestGeneratedFleet, useWideParts } from './generated-fleet.ts';
import { storedAt } from './storage-model.ts';
import { scenarioOf } from './test-fixtures.ts';

/**
 * Prediction against reality: a known fleet goes through the real generator
 * and the real ingest into an embedded lake; the estimate's rows and bytes for
 * that fleet and period must land within ±10% of what ClickHouse holds. The
 * calibration comes from a first run (other seed, other day), so the check is
 * not the calibration reading back its own numbers.
 */
const VEHICLES = 100;
const INTERVAL = '5s';
const HOUR = 3_600_000;
const PERIOD_MS = 3 * HOUR; // 100 vehicles × 3 h / 5 s = 216,000 positions per run
const DAY = 24 * HOUR;
// Recent whole hours, inside ingest's accepted past and the hot period.
const today = Math.floor(Date.now() / DAY) * DAY;

describe('estimate vs reality: generator → ingest → ClickHouse', () => {
  let lake: TestLake;
  const dir = mkdtempSync(join(tmpdir(), 'fleetlake-prediction-'));

  beforeAll(async () => {
    lake = await openTestLake({ ingest: { report_interval: '1s', metrics_port: 0, instance: 'prediction-test' } });
    await useWideParts(lake.ch.client);
  });
  afterAll(async () => {
    await lake.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const ingestFleet = (seed: number, fromMs: number) =>
    ingestGeneratedFleet(lake.ch.client, lake.config, { vehicles: VEHICLES, seed, fromMs, toMs: fromMs + PERIOD_MS, intervalMs: 5000 });

  async function heldByClickHouse(): Promise<{ rows: number; bytes: number }> {
    const [parts] = await queryRows<{ rows: string; bytes: string }>(
      lake.ch.client,
      `SELECT sum(rows) AS rows, sum(bytes_on_disk) AS bytes FROM system.parts WHERE database = {db:String} AND table = {table:String} AND active`,
      { db: TABLES.positions.split('.')[0], table: TABLES.positions.split('.')[1] },
    );
    return { rows: Number(parts?.rows), bytes: Number(parts?.bytes) };
  }

  it('rows and bytes on disk within ±10% of the estimate', async () => {
    // 1. Calibrate on one run (seed 1, two days ago), the way `fleetlake estimate calibrate` does, through a file.
    await ingestFleet(1, today - 2 * DAY + 8 * HOUR);
    const measured = await measureCalibration(lake.ch.client, {
      now: Date.now,
      windowMs: HOUR,
      statistic: 'max',
      source: 'prediction test, seed 1',
      previous: readCalibration(),
    });
    const file = join(dir, 'calibration.json');
    writeCalibration(file, measured.calibration);
    const calibration: Calibration = readCalibration(file);
    const s = calibration.storage;
    // The calibrated row size accounts for every byte of the parts, not only column data.
    expect(s.column_data_bytes_per_row + s.marks_bytes_per_row + s.primary_index_bytes_per_row + s.other_bytes_per_row).toBeCloseTo(s.bytes_per_row, 9);
    expect(Object.keys(s.columns)).toContain('h3_cell');

    // 2. Reality: another fleet of the same size (seed 2, yesterday) in an emptied table.
    await lake.ch.client.command({ query: `TRUNCATE TABLE ${TABLES.positions}` });
    const ingested = await ingestFleet(2, today - DAY + 8 * HOUR);
    const real = await heldByClickHouse();
    expect(real.rows).toBe(ingested);

    // 3. The estimate for that fleet and period.
    const predicted = storedAt(scenarioOf({ vehicles: VEHICLES, report_interval: INTERVAL }), calibration, PERIOD_MS / DAY);
    expect(predicted.rows_cold).toBe(0);
    const rowsError = Math.abs(predicted.rows_hot - real.rows) / real.rows;
    const bytesError = Math.abs(predicted.hot_bytes - real.bytes) / real.bytes;
    expect(rowsError, `rows: predicted ${predicted.rows_hot}, ClickHouse holds ${real.rows}`).toBeLessThanOrEqual(0.1);
    expect(bytesError, `bytes: predicted ${Math.round(predicted.hot_bytes)}, ClickHouse holds ${real.bytes}`).toBeLessThanOrEqual(0.1);
  });
});
