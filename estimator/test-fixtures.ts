import type { Calibration } from './calibration.ts';
import { buildScenario, type Scenario } from './scenario.ts';

/** Round-number inputs for the arithmetic tests, so every expected figure can be checked by hand. */
export function fixedCalibration(bytesPerRow: number, rowsPerSecondPerProcess: number): Calibration {
  return {
    format: 1,
    provenance: { source: 'test fixture', measured_at: '2025-01-01T00:00:00.000Z', rows: 1000, machine: 'test', clickhouse: 'test' },
    storage: {
      rows: 1000,
      parts: 1,
      wide_parts: 1,
      bytes_on_disk: bytesPerRow * 1000,
      bytes_per_row: bytesPerRow,
      column_data_bytes_per_row: bytesPerRow,
      marks_bytes_per_row: 0,
      primary_index_bytes_per_row: 0,
      other_bytes_per_row: 0,
      columns: {},
    },
    ingest: { rows_per_second_per_process: rowsPerSecondPerProcess, statistic: 'p95', source: 'test fixture', measured_at: '2025-01-01T00:00:00.000Z', instances: [] },
  };
}

/** A scenario from YAML-shaped values, as if read from one file. */
export function scenarioOf(values: Record<string, unknown>): Scenario {
  return buildScenario([{ values, where: () => ' (in test.yaml)' }]);
}
