import { describe, expect, it } from 'vitest';
import { rowsBetween, storageByYear, storedAt, tableYears, vehiclesAt } from './storage-model.ts';
import { fixedCalibration, scenarioOf } from './test-fixtures.ts';

const calibration = fixedCalibration(20, 50_000);
const ROWS_PER_DAY_10K = 172_800_000; // 10,000 vehicles every 5 s
const GB = 1e9;

describe('storage model: tiers under the TTL, year by year', () => {
  it('a constant fleet: hot holds the last 30 days, cold the rest, until retention caps it', () => {
    const s = scenarioOf({ vehicles: 10_000, report_interval: '5s', hot_period: '30d', retention: '7y' });
    const years = storageByYear(s, calibration);
    expect(years).toHaveLength(7);
    const [first] = years;
    // 30 days × 172.8 M rows × 20 B = 103.68 GB; cold: the other 335.25 days of the year.
    expect(first?.hot_bytes).toBeCloseTo(103.68 * GB, -3);
    expect(first?.cold_bytes).toBeCloseTo(335.25 * ROWS_PER_DAY_10K * 20, -3);
    expect(years[6]?.cold_bytes).toBeCloseTo((7 * 365.25 - 30) * ROWS_PER_DAY_10K * 20, -3);
    expect((years[6]?.rows_hot ?? 0) + (years[6]?.rows_cold ?? 0)).toBeCloseTo(7 * 365.25 * ROWS_PER_DAY_10K, -3);
    for (const y of years) expect(y.total_bytes).toBeCloseTo(y.hot_bytes + y.cold_bytes, -3);
  });

  it('past the retention, storage stops growing (the table runs as long as the curve)', () => {
    const s = scenarioOf({ vehicles: [10_000, 20_000, 30_000], retention: '2y' });
    expect(tableYears(s)).toBe(3);
    const year3 = storageByYear(s, calibration)[2];
    // Year 1 has expired; year 3 (3× the base rate) and year 2 (2×) remain.
    expect(year3?.rows_hot).toBeCloseTo(30 * 3 * ROWS_PER_DAY_10K, -3);
    expect(year3?.rows_cold).toBeCloseTo(335.25 * 3 * ROWS_PER_DAY_10K + 365.25 * 2 * ROWS_PER_DAY_10K, -3);
  });

  it('the hot window straddles a year boundary of a growing fleet piece by piece', () => {
    const s = scenarioOf({ vehicles: [10_000, 20_000], hot_period: '30d' });
    const tenDaysIntoYear2 = 365.25 + 10;
    expect(vehiclesAt(s, 365.25)).toBe(10_000);
    expect(vehiclesAt(s, tenDaysIntoYear2)).toBe(20_000);
    expect(vehiclesAt(s, 100 * 365.25)).toBe(20_000);
    expect(rowsBetween(s, tenDaysIntoYear2 - 30, tenDaysIntoYear2)).toBeCloseTo(20 * ROWS_PER_DAY_10K + 10 * 2 * ROWS_PER_DAY_10K, -3);
    expect(storedAt(s, calibration, tenDaysIntoYear2).hot_bytes).toBeCloseTo(40 * ROWS_PER_DAY_10K * 20, -3);
  });

  it('replicas multiply both tiers', () => {
    const one = storedAt(scenarioOf({ vehicles: 10_000 }), calibration, 400);
    const two = storedAt(scenarioOf({ vehicles: 10_000, replicas: 2 }), calibration, 400);
    expect(two.hot_bytes).toBeCloseTo(2 * one.hot_bytes, -3);
    expect(two.cold_bytes).toBeCloseTo(2 * one.cold_bytes, -3);
    expect(two.rows_hot).toBe(one.rows_hot);
  });

  it('a retention shorter than a year still gets one row, covering the whole retention', () => {
    const s = scenarioOf({ vehicles: 10_000, hot_period: '7d', retention: '90d' });
    const years = storageByYear(s, calibration);
    expect(years).toHaveLength(1);
    expect(years[0]?.rows_hot).toBeCloseTo(7 * ROWS_PER_DAY_10K, -3);
    expect(years[0]?.rows_cold).toBeCloseTo(83 * ROWS_PER_DAY_10K, -3);
  });
});
