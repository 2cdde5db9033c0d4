import type { QueryCalibration } from './long-query-model.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { FleetlakeError, errorMessage } from '../core/errors.ts';

/**
 * What the estimator knows from measurement instead of guessing: the bytes a
 * position takes on disk in fleet.positions and how many rows per second one
 * ingest process inserts. `fleetlake estimate calibrate` writes it; every
 * estimate reads it. All byte figures are per row, so they scale with the fleet.
 */
export interface ColumnBytesPerRow {
  readonly compressed: number;
  readonly uncompressed: number;
  readonly marks: number;
}

export interface StorageCalibration {
  readonly rows: number;
  readonly parts: number;
  /** Parts stored one file per column; only those report per-column sizes. */
  readonly wide_parts: number;
  readonly bytes_on_disk: number;
  /** Everything the table's parts hold on disk, divided by rows: what the model multiplies. */
  readonly bytes_per_row: number;
  readonly column_data_bytes_per_row: number;
  readonly marks_bytes_per_row: number;
  readonly primary_index_bytes_per_row: number;
  /** bytes_on_disk minus column data, marks and primary index: checksums, counts, min-max indexes, partition files. */
  readonly other_bytes_per_row: number;
  /** Per column, from wide parts; empty when every part was compact. */
  readonly columns: Readonly<Record<string, ColumnBytesPerRow>>;
}

export interface IngestInstanceRate {
  readonly instance: string;
  readonly rows_per_second: number;
  readonly reports: number;
}

export interface IngestCalibration {
  readonly rows_per_second_per_process: number;
  readonly statistic: 'p95' | 'max';
  readonly source: string;
  readonly measured_at: string;
  readonly instances: readonly IngestInstanceRate[];
}

export interface Calibration {
  readonly format: 1;
  readonly provenance: {
    readonly source: string;
    readonly measured_at: string;
    readonly rows: number;
    readonly machine: string;
    readonly clickhouse: string;
    readonly note?: string;
  };
  readonly storage: StorageCalibration;
  readonly ingest: IngestCalibration;
  /** Area-query read rates and rollup sizes (estimator/long-query-model.ts); absent: its defaults. */
  readonly query?: QueryCalibration;
}

/** The shipped calibration, measured on generator data (see its provenance). */
export const DEFAULT_CALIBRATION_FILE = fileURLToPath(new URL('./calibration.json', import.meta.url));

/** A one-line description of this machine, for provenance. */
export function describeMachine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 1e9)} GB RAM, ${platform()} ${release()}`;
}

export function writeCalibration(path: string, calibration: Calibration): void {
  writeFileSync(path, JSON.stringify(calibration, null, 2) + '\n');
}

export function readCalibration(path: string = DEFAULT_CALIBRATION_FILE): Calibration {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new FleetlakeError('CALIBRATION_INVALID', { path, detail: errorMessage(err) });
  }
  const problem = checkCalibration(value);
  if (problem) throw new FleetlakeError('CALIBRATION_INVALID', { path, detail: problem });
  return value as Calibration;
}

/** The first problem that would make estimates wrong, or undefined. Only what the model reads is required. */
export function checkCalibration(value: unknown): string | undefined {
  const at = (path: string): unknown => path.split('.').reduce<unknown>((v, k) => (isRecord(v) ? v[k] : undefined), value);
  if (at('format') !== 1) return 'format must be 1 (written by fleetlake estimate calibrate)';
  for (const path of ['provenance.source', 'provenance.measured_at', 'provenance.machine', 'ingest.source', 'ingest.measured_at']) {
    if (typeof at(path) !== 'string' || at(path) === '') return `${path} must be a non-empty string`;
  }
  for (const path of ['storage.bytes_per_row', 'storage.rows', 'ingest.rows_per_second_per_process']) {
    const n = at(path);
    if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) return `${path} must be a number above zero, not ${JSON.stringify(n)}`;
  }
  if (!['p95', 'max'].includes(String(at('ingest.statistic')))) return 'ingest.statistic must be "p95" or "max"';
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
