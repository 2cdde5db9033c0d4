import type { ClickHouseClient } from '../core/clickhouse.ts';
import { queryRows } from '../core/clickhouse.ts';
import { FleetlakeError } from '../core/errors.ts';
import type { IngestMetricSeries } from '../core/metrics.ts';
import { TABLES } from '../core/names.ts';
import { describeMachine, type Calibration, type ColumnBytesPerRow, type IngestCalibration, type StorageCalibration } from './calibration.ts';

/**
 * Measures a calibration from a running lake: bytes per position from the
 * parts of fleet.positions (everything on disk, not only column data), and
 * per-process ingest throughput from what ingest reports in fleet.ingest_metrics.
 */
export interface CalibrateOptions {
  /** The injected clock: measured_at and the start of the ingest window derive from it. */
  readonly now: () => number;
  /** How far back ingest reports count. */
  readonly windowMs: number;
  readonly statistic: 'p95' | 'max';
  /** Where the data came from, in words (kept in provenance). */
  readonly source: string;
  readonly note?: string;
  /** Used for ingest throughput when the lake holds no ingest reports. */
  readonly previous: Calibration;
}

export interface CalibrateResult {
  readonly calibration: Calibration;
  readonly warnings: readonly string[];
}

const ROWS_PER_SECOND: IngestMetricSeries = 'rows_per_second';
const [DB, POSITIONS] = TABLES.positions.split('.') as [string, string];

export async function measureCalibration(client: ClickHouseClient, options: CalibrateOptions): Promise<CalibrateResult> {
  const measuredAt = new Date(options.now()).toISOString();
  const storage = await measureStorage(client);
  const warnings: string[] = [];
  if (storage.wide_parts === 0) {
    warnings.push('every part of fleet.positions is compact (under min_bytes_for_wide_part), so there is no per-column breakdown; bytes_per_row still counts all bytes on disk');
  }
  let ingest = await measureIngest(client, options, measuredAt);
  if (!ingest) {
    warnings.push(
      `${TABLES.ingestMetrics} has no ${ROWS_PER_SECOND} reports above zero in the window; ` +
        `ingest throughput kept from the previous calibration (${options.previous.ingest.source}, ${options.previous.ingest.measured_at})`,
    );
    ingest = options.previous.ingest;
  }
  const [version] = await queryRows<{ v: string }>(client, 'SELECT version() AS v');
  return {
    warnings,
    calibration: {
      format: 1,
      provenance: {
        source: options.source,
        measured_at: measuredAt,
        rows: storage.rows,
        machine: describeMachine(),
        clickhouse: `ClickHouse ${version?.v ?? 'unknown'}`,
        ...(options.note ? { note: options.note } : {}),
      },
      storage,
      ingest,
    },
  };
}

interface PartTotals {
  parts: string;
  wide_parts: string;
  rows: string;
  bytes_on_disk: string;
  data_compressed: string;
  marks: string;
  primary_index: string;
}

export async function measureStorage(client: ClickHouseClient): Promise<StorageCalibration> {
  const where = 'database = {db:String} AND table = {table:String} AND active';
  const [totals] = await queryRows<PartTotals>(
    client,
    `SELECT count() AS parts, countIf(part_type = 'Wide') AS wide_parts, sum(rows) AS rows, sum(bytes_on_disk) AS bytes_on_disk,
            sum(data_compressed_bytes) AS data_compressed, sum(marks_bytes) AS marks, sum(primary_key_size) AS primary_index
     FROM system.parts WHERE ${where}`,
    { db: DB, table: POSITIONS },
  );
  const rows = Number(totals?.rows ?? 0);
  if (!totals || rows === 0) {
    throw new FleetlakeError('CALIBRATION_NO_DATA', { detail: `${TABLES.positions} holds no rows: load positions first (generator, then ingest), then calibrate` });
  }
  const perRow = (bytes: string | number) => Number(bytes) / rows;
  const bytesOnDisk = Number(totals.bytes_on_disk);
  const known = Number(totals.data_compressed) + Number(totals.marks) + Number(totals.primary_index);

  const columnRows = await queryRows<{ column: string; compressed: string; uncompressed: string; marks: string; rows: string }>(
    client,
    `SELECT column, sum(column_data_compressed_bytes) AS compressed, sum(column_data_uncompressed_bytes) AS uncompressed,
            sum(column_marks_bytes) AS marks, sum(rows) AS rows
     FROM system.parts_columns WHERE ${where} AND part_type = 'Wide'
     GROUP BY column ORDER BY column`,
    { db: DB, table: POSITIONS },
  );
  const columns: Record<string, ColumnBytesPerRow> = {};
  for (const c of columnRows) {
    const n = Number(c.rows);
    columns[c.column] = { compressed: Number(c.compressed) / n, uncompressed: Number(c.uncompressed) / n, marks: Number(c.marks) / n };
  }
  return {
    rows,
    parts: Number(totals.parts),
    wide_parts: Number(totals.wide_parts),
    bytes_on_disk: bytesOnDisk,
    bytes_per_row: perRow(bytesOnDisk),
    column_data_bytes_per_row: perRow(totals.data_compressed),
    marks_bytes_per_row: perRow(totals.marks),
    primary_index_bytes_per_row: perRow(totals.primary_index),
    other_bytes_per_row: perRow(bytesOnDisk - known),
    columns,
  };
}

/** Per instance, the chosen statistic of its non-idle reports; the calibration keeps their mean. */
export async function measureIngest(
  client: ClickHouseClient,
  options: Pick<CalibrateOptions, 'now' | 'windowMs' | 'statistic'>,
  measuredAt: string,
): Promise<IngestCalibration | undefined> {
  const statistic = options.statistic === 'max' ? 'max(value)' : 'quantileExact(0.95)(value)';
  const rows = await queryRows<{ instance: string; rate: number; reports: string }>(
    client,
    `SELECT instance, ${statistic} AS rate, count() AS reports
     FROM ${TABLES.ingestMetrics}
     WHERE metric = {metric:String} AND value > 0
       AND ts BETWEEN fromUnixTimestamp64Milli({since:Int64}) AND fromUnixTimestamp64Milli({until:Int64})
     GROUP BY instance ORDER BY instance`,
    { metric: ROWS_PER_SECOND, since: Math.round(options.now() - options.windowMs), until: Math.round(options.now()) },
  );
  if (rows.length === 0) return undefined;
  const instances = rows.map((r) => ({ instance: r.instance, rows_per_second: Number(r.rate), reports: Number(r.reports) }));
  return {
    rows_per_second_per_process: instances.reduce((sum, i) => sum + i.rows_per_second, 0) / instances.length,
    statistic: options.statistic,
    source: `${TABLES.ingestMetrics} ${ROWS_PER_SECOND}, ${options.statistic} per instance over ${instances.length} instance(s), mean across instances`,
    measured_at: measuredAt,
    instances,
  };
}
