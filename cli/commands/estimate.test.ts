import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeCalibration } from '../../estimator/calibration.ts';
import type { Estimate } from '../../estimator/estimate.ts';
import { fixedCalibration } from '../../estimator/test-fixtures.ts';
import { runFleetlake } from '../../test-support/run-fleetlake.ts';

const dir = mkdtempSync(join(tmpdir(), 'fleetlake-estimate-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const calibrationFile = join(dir, 'calibration.json');
writeCalibration(calibrationFile, fixedCalibration(20, 50_000));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const { code, stdout, stderr } = await runFleetlake(argv, { FLEETLAKE_CALIBRATION: calibrationFile });
  return { code, out: stdout, err: stderr };
}

describe('fleetlake estimate', () => {
  it('prints JSON with the documented keys, from flags', async () => {
    const { code, out } = await cli('estimate', '--vehicles', '10000', '--report-interval', '5s', '--format', 'json');
    expect(code).toBe(0);
    const e = JSON.parse(out) as Estimate;
    expect(e.events_per_second_avg).toBe(2000);
    expect(e.events_per_second_peak).toBe(2000);
    expect(e.rows_per_day).toBe(172_800_000);
    expect(e.bytes_per_row).toBe(20);
    expect(e.storage_bytes_by_year).toHaveLength(7);
    expect(typeof e.monthly_cost_total).toBe('number');
    expect(e.calibration.source).toBe('test fixture');
  });

  it('reads a YAML scenario; flags override it; CSV and the SVG chart', async () => {
    const scenario = join(dir, 'fleet.yaml');
    writeFileSync(scenario, 'vehicles: [1000, 2000]\nreport_interval: 10s\nretention: 3y\ncurrency: CAD\n');
    const chart = join(dir, 'storage.svg');
    const { code, out, err } = await cli('estimate', '--scenario', scenario, '--report-interval', '5s', '--format', 'csv', '--chart', chart);
    expect(code).toBe(0);
    expect(out.split('\n')).toContain('events_per_second_avg,,400');
    expect(out.split('\n')).toContain('currency,,CAD');
    expect(out.split('\n').filter((l) => l.startsWith('storage_bytes_by_year.total_bytes,'))).toHaveLength(3);
    expect(err).toContain(`chart written to ${chart}`);
    expect(readFileSync(chart, 'utf8')).toContain('<svg');
  });

  it('prints the readable table by default', async () => {
    const { code, out } = await cli('estimate', '--vehicles', '10000');
    expect(code).toBe(0);
    expect(out).toContain('Storage at the end of each year');
    expect(out).toMatch(/rows\/day\s+172\.8 M/);
  });

  it('sizes the cluster: shards for a fleet past one node, and where one node stops being enough', async () => {
    const small = await cli('estimate', '--vehicles', '10000');
    expect(small.out).toMatch(/ClickHouse\s+one node\n/);
    expect(small.out).toMatch(/one node carries up to\s+62,518 vehicles \(then latency runs out first\)/);
    const large = await cli('estimate', '--vehicles', '100000');
    expect(large.out).toMatch(/ClickHouse\s+2 shard\(s\) × 2 replicas = 4 ClickHouse nodes/);
    expect(large.out).toMatch(/Keeper nodes\s+3\n/);
  });

  it('fails with the field named for bad input, and with usage errors for bad flags', async () => {
    const negative = await cli('estimate', '--vehicles=-10');
    expect(negative.code).toBe(1);
    expect(negative.err).toContain('ESTIMATE_SCENARIO_INVALID: scenario: vehicles = "-10" (from --vehicles): must not be negative');

    const zero = await cli('estimate', '--vehicles', '10', '--report-interval', '0s');
    expect(zero.err).toContain('report_interval = "0s" (from --report-interval): must be longer than zero');

    const hot = await cli('estimate', '--vehicles', '10', '--hot-period', '8y');
    expect(hot.err).toContain('hot_period = 8y must be shorter than retention = 7y');

    const unit = await cli('estimate', '--vehicles', '10', '--broker-retention', '3 moons');
    expect(unit.err).toContain('broker_retention = "3 moons" (from --broker-retention): unknown unit "moons"');

    const format = await cli('estimate', '--vehicles', '10', '--format', 'xml');
    expect(format.code).toBe(2);
    expect(format.err).toContain('--format xml is not one of table, json, csv');

    const unknown = await cli('estimate', '--vehicle', '10');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("Unknown option '--vehicle'");

    const calibration = await cli('estimate', '--vehicles', '10', '--calibration', join(dir, 'none.json'));
    expect(calibration.code).toBe(1);
    expect(calibration.err).toContain(`CALIBRATION_INVALID: calibration file ${join(dir, 'none.json')}`);
  });

  it('calibrate refuses bad flags before touching the lake', async () => {
    const window = await cli('estimate', 'calibrate', '--window', 'forever');
    expect(window.code).toBe(2);
    expect(window.err).toContain('--window forever is not a duration');
    const statistic = await cli('estimate', 'calibrate', '--statistic', 'mean');
    expect(statistic.code).toBe(2);
    expect(statistic.err).toContain('--statistic mean must be p95 or max');
    expect(existsSync(join(process.cwd(), 'data', 'fleetlake.lock'))).toBe(false);
  });

  it('--help lists every scenario flag', async () => {
    const { code, out } = await cli('estimate', '--help');
    expect(code).toBe(0);
    for (const flag of ['--vehicles', '--report-interval', '--hot-period', '--retention', '--price-cold-gb-month', '--currency', '--scenario', '--chart']) expect(out).toContain(flag);
  });
});
