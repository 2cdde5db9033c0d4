import { describe, expect, it } from 'vitest';
import { costByYear, monthlyCostAt } from './cost-model.ts';
import { fixedCalibration, scenarioOf } from './test-fixtures.ts';

const calibration = fixedCalibration(20, 50_000);
const prices = {
  vehicles: 10_000,
  report_interval: '5s',
  message_size: 200,
  price_hot_disk_gb_month: 0.1,
  price_cold_gb_month: 0.01,
  price_broker_disk_gb_month: 0.1,
  price_compute_process_month: 30,
};
const COLD_GB_PER_DAY = 3.456; // 172.8 M rows × 20 B

describe('cost model: unit prices times what is held, per item', () => {
  it('the bill at the end of year 1 of 10,000 vehicles', () => {
    const bill = monthlyCostAt(scenarioOf(prices), calibration, 365.25);
    expect(bill.hot_disk).toBeCloseTo(103.68 * 0.1, 6);
    expect(bill.cold_storage).toBeCloseTo(335.25 * COLD_GB_PER_DAY * 0.01, 6);
    expect(bill.broker_disk).toBeCloseTo(725.76 * 0.1, 6);
    expect(bill.compute).toBe(30);
    // 10.368 + 11.58624 + 72.576 + 30, worked out by hand.
    expect(bill.total).toBeCloseTo(124.53024, 6);
  });

  it('a year costs its twelve month-end bills, so growing cold storage is billed as it grows', () => {
    const [year1] = costByYear(scenarioOf(prices), calibration);
    // Month m ends on day 30.4375 m; the cold tier then holds (30.4375 m − 30) days: Σ over m = 2014.125 days.
    expect(year1?.yearly.cold_storage).toBeCloseTo(2014.125 * COLD_GB_PER_DAY * 0.01, 6);
    expect(year1?.yearly.hot_disk).toBeCloseTo(12 * 10.368, 6);
    expect(year1?.yearly.compute).toBe(360);
    // The monthly figure is the bill at the year's end, the one above.
    expect(year1?.monthly.total).toBeCloseTo(124.53024, 6);
    // 12 × (10.368 + 72.576 + 30) + 2014.125 days × 3.456 GB × 0.01 cold = 1355.328 + 69.60816.
    expect(year1?.yearly.total).toBeCloseTo(1424.93616, 6);
  });

  it('once retention is full and the fleet constant, a year costs twelve equal months', () => {
    const steady = costByYear(scenarioOf({ ...prices, vehicles: [10_000, 10_000, 10_000], retention: '1y' }), calibration)[2];
    // Cold holds the year past the 30 hot days at every month-end of year 3: 335.25 days, 11.58624 a month, as at the end of year 1.
    expect(steady?.monthly.total).toBeCloseTo(124.53024, 6);
    expect(steady?.yearly.total).toBeCloseTo(12 * 124.53024, 6);
  });
});
