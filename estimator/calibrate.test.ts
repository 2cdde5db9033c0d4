import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFleetlakeError } from '../core/errors.ts';
import { TABLES } from '../core/names.ts';
import { openTestLake, type TestLake } from '../test-support/lake.ts';
import { measureCalibration, measureIngest } from './calibrate.ts';
import { fixedCalibration } from './test-fixtures.ts';

// Recent, because fleet.ingest_metrics deletes rows older than 90 days by TTL.
const NOW = Math.floor(Date.now() / 1000) * 1000;
const HOUR = 3_600_000;
const chTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const options = { now: () => NOW, windowMs: 24 * HOUR, statistic: 'p95' as const, source: 'calibrate.test', previous: fixedCalibration(20, 12_345) };

describe('calibrate: measuring a running lake', () => {
  let lake: TestLake;
  beforeAll(async () => {
    lake = await openTestLake();
  });
  afterAll(async () => lake.dispose());

  it('refuses an empty positions table with a message that says what to do', async () => {
    const err = await measureCalibration(lake.ch.client, options).catch((e: unknown) => e);
    expect(isFleetlakeError(err, 'CALIBRATION_NO_DATA')).toBe(true);
    expect((err as Error).message).toBe('cannot calibrate: fleet.positions holds no rows: load positions first (generator, then ingest), then calibrate');
  });

  it('per-instance p95 (or max) of non-idle rows_per_second reports in the window, averaged over instances', async () => {
    const sample = (instance: string, ageMs: number, value: number, metric = 'rows_per_second') => ({ ts: chTime(NOW - ageMs), instance, metric, labels: {}, value });
    const rows = [
      // a: 1,000 … 100,000 rows/s over the last 100 minutes
      ...Array.from({ length: 100 }, (_, i) => sample('ingest-a', (i + 1) * 60_000, (i + 1) * 1000)),
      // b: a steady 40,000, plus idle reports that must not drag it down
      ...Array.from({ length: 20 }, (_, i) => sample('ingest-b', (i + 1) * 60_000, 40_000)),
      ...Array.from({ length: 50 }, (_, i) => sample('ingest-b', (i + 1) * 30_000, 0)),
      // outside the window, and another series: both ignored
      sample('ingest-a', 30 * HOUR, 900_000),
      sample('ingest-a', HOUR, 5_000_000, 'rows_total'),
    ];
    await lake.ch.client.insert({ table: TABLES.ingestMetrics, values: rows, format: 'JSONEachRow' });

    const max = await measureIngest(lake.ch.client, { ...options, statistic: 'max' }, 'then');
    expect(max?.instances).toEqual([
      { instance: 'ingest-a', rows_per_second: 100_000, reports: 100 },
      { instance: 'ingest-b', rows_per_second: 40_000, reports: 20 },
    ]);
    expect(max?.rows_per_second_per_process).toBe(70_000);

    const p95 = await measureIngest(lake.ch.client, options, 'then');
    const a = p95?.instances[0]?.rows_per_second ?? 0;
    expect(a).toBeGreaterThanOrEqual(95_000);
    expect(a).toBeLessThanOrEqual(96_000);
    expect(p95?.instances[1]?.rows_per_second).toBe(40_000);
    expect(p95?.rows_per_second_per_process).toBe((a + 40_000) / 2);
    expect(p95?.source).toBe('fleet.ingest_metrics rows_per_second, p95 per instance over 2 instance(s), mean across instances');
  });

  it('measures storage from the parts, and keeps the previous ingest figure when there are no reports', async () => {
    const positions = Array.from({ length: 2000 }, (_, i) => ({
      vehicle_id: `veh-${i % 20}`,
      ts: chTime(NOW - 2 * HOUR + i * 1000),
      lat: 45.5 + (i % 50) / 10_000,
      lon: -73.6 + (i % 70) / 10_000,
      speed_kmh: 30,
      heading_deg: 90,
      vehicle_type: 'van',
    }));
    await lake.ch.client.insert({ table: TABLES.positions, values: positions, format: 'JSONEachRow' });
    // A window that ends before the reports inserted above: nothing to measure.
    const { calibration, warnings } = await measureCalibration(lake.ch.client, { ...options, now: () => NOW - 48 * HOUR });
    const s = calibration.storage;
    expect(s.rows).toBe(2000);
    expect(s.bytes_per_row).toBeCloseTo(s.bytes_on_disk / 2000, 9);
    expect(s.column_data_bytes_per_row + s.marks_bytes_per_row + s.primary_index_bytes_per_row + s.other_bytes_per_row).toBeCloseTo(s.bytes_per_row, 9);
    expect(s.wide_parts).toBe(0);
    expect(calibration.ingest).toEqual(options.previous.ingest);
    expect(calibration.provenance).toMatchObject({ source: 'calibrate.test', measured_at: new Date(NOW - 48 * HOUR).toISOString(), rows: 2000 });
    expect(calibration.provenance.clickhouse).toMatch(/^ClickHouse \d+\.\d+/);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('every part of fleet.positions is compact');
    expect(warnings[1]).toContain('ingest throughput kept from the previous calibration (test fixture');
  });
});
