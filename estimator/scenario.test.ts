import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isFleetlakeError } from '../core/errors.ts';
import { buildScenario, readScenarioFile } from './scenario.ts';
import { typicalMessageBytes } from './scenario-defaults.ts';
import { scenarioOf } from './test-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'fleetlake-scenario-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function refusal(values: Record<string, unknown>): string {
  try {
    scenarioOf(values);
  } catch (err) {
    if (isFleetlakeError(err, 'ESTIMATE_SCENARIO_INVALID')) return err.message;
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(values)}`);
}

describe('scenario inputs: defaults, file, flags and validation', () => {
  it('fills defaults: 5 s interval, full activity, measured message size, 30 d hot, 7 y retention', () => {
    const s = scenarioOf({ vehicles: 10_000 });
    expect(s.vehicles).toEqual([10_000]);
    expect(s.report_interval.ms).toBe(5000);
    expect(s.active_hours_per_day).toBe(24);
    expect(s.active_days_per_week).toBe(7);
    expect(s.message_size).toBe(typicalMessageBytes());
    expect(s.hot_period.text).toBe('30d');
    expect(s.retention.text).toBe('7y');
    expect(s.currency).toBe('USD');
  });

  it('the default message size is the encodePosition JSON of a typical position plus key and record overhead', () => {
    // {"vehicle_id":"veh-000042","ts":"2025-01-15T08:30:05.250Z","lat":45.512345,"lon":-73.567891,"speed_kmh":42.5,"heading_deg":187,"vehicle_type":"van"}
    expect(typicalMessageBytes()).toBe(148 + 10 + 12);
  });

  it('reads units and shares: sizes, durations, percentages, a growth curve', () => {
    const s = scenarioOf({ vehicles: '1000, 2000,4000', message_size: '0.2KB', broker_retention: '36h', headroom: '25%', active_hours_per_day: 16, peak_active_share: '80%' });
    expect(s.vehicles).toEqual([1000, 2000, 4000]);
    expect(s.message_size).toBe(200);
    expect(s.broker_retention.ms).toBe(36 * 3_600_000);
    expect(s.headroom).toBe(0.25);
    expect(s.peak_active_share).toBe(0.8);
    expect(scenarioOf({ vehicles: [5, 6] }).vehicles).toEqual([5, 6]);
    expect(scenarioOf({ vehicles: 1, message_size: '1KiB' }).message_size).toBe(1024);
  });

  it('refuses a negative fleet, naming the field', () => {
    expect(refusal({ vehicles: -5 })).toBe('scenario: vehicles = -5 (in test.yaml): must not be negative: expected a whole number from 0 to 1000000000');
    expect(refusal({ vehicles: [100, -1] })).toContain('vehicles = [100,-1] (in test.yaml): year 2 (-1) must not be negative');
  });

  it('refuses an interval of zero', () => {
    expect(refusal({ vehicles: 10, report_interval: '0s' })).toBe('scenario: report_interval = "0s" (in test.yaml): must be longer than zero');
    expect(refusal({ vehicles: 10, report_interval: 5 })).toContain('report_interval = 5 (in test.yaml): needs a unit');
  });

  it('refuses a hot period longer than the retention', () => {
    expect(refusal({ vehicles: 10, hot_period: '8y', retention: '7y' })).toBe('scenario: hot_period = 8y must be shorter than retention = 7y');
    expect(refusal({ vehicles: 10, hot_period: '90d', retention: '30d' })).toContain('hot_period = 90d must be shorter than retention = 30d');
  });

  it('refuses unknown units, naming the unit and the ones it knows', () => {
    expect(refusal({ vehicles: 10, report_interval: '2 fortnights' })).toBe(
      'scenario: report_interval = "2 fortnights" (in test.yaml): unknown unit "fortnights"; use ms, s, m, h, d, w or y',
    );
    expect(refusal({ vehicles: 10, message_size: '2XB' })).toContain('message_size = "2XB" (in test.yaml): unknown unit "XB"; use B, KB, MB, GB, KiB, MiB, GiB');
    expect(refusal({ vehicles: 10, price_cold_gb_month: '0.02EUR' })).toContain('price_cold_gb_month = "0.02EUR" (in test.yaml): unknown unit "EUR"');
  });

  it('refuses unknown fields, missing vehicles, impossible activity and bad currencies', () => {
    expect(refusal({ vehicles: 10, vehicle: 10 })).toContain('unknown field "vehicle" (in test.yaml); known fields: vehicles, report_interval');
    expect(refusal({})).toContain('vehicles is required (YAML key vehicles, flag --vehicles)');
    expect(refusal({ vehicles: 10, active_hours_per_day: 25 })).toContain('active_hours_per_day = 25 (in test.yaml): expected a number more than 0 and at most 24');
    expect(refusal({ vehicles: 10, headroom: -2 })).toContain('headroom = -2 (in test.yaml): must not be negative: expected a number from 0 to 100 (or a percentage such as 50%)');
    expect(refusal({ vehicles: 10, replicas: 1.5 })).toContain('replicas = 1.5 (in test.yaml): expected a whole number from 1 to 16');
    expect(refusal({ vehicles: 10, active_hours_per_day: 12, peak_active_share: 0.3 })).toContain('peak_active_share = 0.3 is below the average activity 0.5');
    expect(refusal({ vehicles: 10, currency: 'dollars' })).toContain('currency = "dollars" (in test.yaml): expected a three-letter currency code');
    expect(refusal({ vehicles: 10, query_area_km2: 1e6 })).toContain('query_area_km2 = 1000000 is larger than service_area_km2');
  });

  it('reads a YAML file, and flags win over it; errors say where the value came from', () => {
    const file = join(dir, 'fleet.yaml');
    writeFileSync(file, 'vehicles: [10000, 12000]\nreport_interval: 10s\ncurrency: EUR\n');
    const s = buildScenario([readScenarioFile(file), { values: { report_interval: '2s' }, where: () => ' (from --report-interval)' }]);
    expect(s.vehicles).toEqual([10_000, 12_000]);
    expect(s.report_interval.text).toBe('2s');
    expect(s.currency).toBe('EUR');

    expect(() => buildScenario([readScenarioFile(file), { values: { report_interval: '0m' }, where: () => ' (from --report-interval)' }])).toThrow(
      'scenario: report_interval = "0m" (from --report-interval): must be longer than zero',
    );
    writeFileSync(file, 'vehicles: 10\nretention: 7 years\n');
    expect(() => buildScenario([readScenarioFile(file)])).toThrow(`retention = "7 years" (in ${file}): unknown unit "years"`);
    writeFileSync(file, '- 1\n- 2\n');
    expect(() => readScenarioFile(file)).toThrow(`scenario file ${file} must be a mapping of vehicles, report_interval`);
    expect(() => readScenarioFile(join(dir, 'missing.yaml'))).toThrow(`scenario file ${join(dir, 'missing.yaml')}: ENOENT`);
  });
});
