import { describe, expect, it } from 'vitest';
import { readCalibration } from './calibration.ts';
import { DEFAULT_QUERY_CALIBRATION, longQueries } from './long-query-model.ts';
import { buildScenario } from './scenario.ts';

describe('area queries over long periods', () => {
  const calibration = readCalibration();
  const scenario = buildScenario([{ values: { vehicles: 10_000, report_interval: '5s', service_area_km2: 1000, query_area_km2: 25 }, where: () => '' }]);
  const events = 10_000 / 5;
  const q = longQueries(scenario, events, 10_000, calibration);

  it('reads every position of the touched cells without rollups, at the calibrated rate', () => {
    const year = q.periods.find((p) => p.period === '1 year')!;
    const cells = q.interior_cells + q.boundary_cells;
    const perCell = events / (1000 / 0.7373276);
    expect(year.raw_only_rows).toBeCloseTo(perCell * cells * 365 * 86_400, -3);
    expect(year.raw_only_seconds).toBeCloseTo(year.raw_only_rows / DEFAULT_QUERY_CALIBRATION.raw_rows_per_second, 6);
  });

  it('reads the boundary ribbon raw and the interior from the rollups, so long periods gain and one hour does not', () => {
    const [hour, , month, year] = q.periods;
    expect(hour!.rollup_rows).toBe(0);
    expect(hour!.rollup_seconds).toBeCloseTo(hour!.raw_only_seconds, 9);
    expect(month!.rollup_seconds).toBeLessThan(month!.raw_only_seconds);
    expect(year!.rollup_raw_rows / year!.raw_only_rows).toBeCloseTo(q.boundary_cells / (q.interior_cells + q.boundary_cells), 2);
    expect(q.boundary_cells).toBe(Math.ceil((4 * 5) / Math.sqrt(0.7373276)));
    expect(q.rollup_bytes_per_year).toBeCloseTo(events * 365.25 * 86_400 * DEFAULT_QUERY_CALIBRATION.rollup_bytes_per_position, -3);
  });
});
