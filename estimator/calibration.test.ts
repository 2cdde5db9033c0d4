import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CALIBRATION_FILE, readCalibration, writeCalibration } from './calibration.ts';
import { fixedCalibration } from './test-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'fleetlake-calibration-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('calibration files', () => {
  it('the shipped calibration is valid and says where it came from', () => {
    const c = readCalibration(DEFAULT_CALIBRATION_FILE);
    expect(c.provenance.source).toMatch(/generator/);
    expect(Date.parse(c.provenance.measured_at)).not.toBeNaN();
    expect(c.provenance.rows).toBeGreaterThan(100_000);
    expect(c.provenance.machine).not.toBe('');
    // Everything on disk is counted: the parts add up to the whole.
    const s = c.storage;
    expect(s.column_data_bytes_per_row + s.marks_bytes_per_row + s.primary_index_bytes_per_row + s.other_bytes_per_row).toBeCloseTo(s.bytes_per_row, 9);
    expect(s.bytes_per_row).toBeCloseTo(s.bytes_on_disk / s.rows, 9);
    expect(Object.keys(s.columns).sort()).toEqual(['h3_cell', 'heading_deg', 'lat', 'lon', 'speed_kmh', 'ts', 'vehicle_id', 'vehicle_type']);
    expect(c.ingest.rows_per_second_per_process).toBeGreaterThan(0);
  });

  it('round-trips what calibrate writes', () => {
    const file = join(dir, 'round-trip.json');
    writeCalibration(file, fixedCalibration(17.5, 42_000));
    expect(readCalibration(file)).toEqual(fixedCalibration(17.5, 42_000));
  });

  it('refuses a file the model cannot use, naming the file and the field', () => {
    const file = join(dir, 'bad.json');
    const good = fixedCalibration(20, 50_000);
    writeFileSync(file, JSON.stringify({ ...good, storage: { ...good.storage, bytes_per_row: 0 } }));
    expect(() => readCalibration(file)).toThrow(`calibration file ${file}: storage.bytes_per_row must be a number above zero, not 0`);
    writeFileSync(file, JSON.stringify({ ...good, ingest: { ...good.ingest, rows_per_second_per_process: 'fast' } }));
    expect(() => readCalibration(file)).toThrow('ingest.rows_per_second_per_process must be a number above zero, not "fast"');
    writeFileSync(file, JSON.stringify({ ...good, provenance: { ...good.provenance, source: '' } }));
    expect(() => readCalibration(file)).toThrow('provenance.source must be a non-empty string');
    writeFileSync(file, '{ not json');
    expect(() => readCalibration(file)).toThrow(`calibration file ${file}:`);
    expect(() => readCalibration(join(dir, 'missing.json'))).toThrow('ENOENT');
  });
});
