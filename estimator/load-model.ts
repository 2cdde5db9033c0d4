import type { Calibration } from './calibration.ts';
import { activityShare, type Scenario } from './scenario.ts';

/**
 * What a fleet of a given size sends and what it takes to carry it: events per
 * second, broker traffic and disk, ClickHouse rows and inserts, ingest
 * processes and topic partitions. Pure arithmetic; docs/estimator.md gives
 * every formula in the same order.
 */
export interface Load {
  readonly vehicles: number;
  readonly events_per_second_avg: number;
  readonly events_per_second_peak: number;
  readonly messages_per_day: number;
  readonly broker_bytes_per_message: number;
  readonly broker_bytes_per_day: number;
  /** Messages the broker holds for its retention, sized for the busiest window. */
  readonly broker_messages_held: number;
  /** broker_messages_held × bytes per message × replication factor. */
  readonly broker_disk_bytes: number;
  readonly rows_per_day: number;
  readonly bytes_per_row: number;
  /** rows_per_day × bytes_per_row × replicas. */
  readonly clickhouse_bytes_per_day: number;
  readonly ingest_rows_per_second_per_process: number;
  /** events_per_second_peak × (1 + headroom). */
  readonly ingest_capacity_needed: number;
  readonly ingest_processes: number;
  readonly topic_partitions: number;
  readonly rows_per_insert: number;
  /** Each insert writes one new part (positions arrive in time order, so one monthly partition at a time). */
  readonly inserts_per_day: number;
}

export const SECONDS_PER_DAY = 86_400;

/** Every vehicle sends one position per report interval while active. */
export function averageEventsPerSecond(s: Scenario, vehicles: number): number {
  return (vehicles / (s.report_interval.ms / 1000)) * activityShare(s);
}

export function computeLoad(s: Scenario, calibration: Calibration, vehicles: number): Load {
  const avg = averageEventsPerSecond(s, vehicles);
  const peak = (vehicles / (s.report_interval.ms / 1000)) * s.peak_active_share;

  const messagesPerDay = avg * SECONDS_PER_DAY;
  const retentionS = s.broker_retention.ms / 1000;
  // A retention shorter than the busy part of a day must hold busy-hour traffic, not the daily average.
  const held = Math.max(avg * retentionS, peak * Math.min(retentionS, s.active_hours_per_day * 3600));

  const bytesPerRow = calibration.storage.bytes_per_row;
  const perProcess = calibration.ingest.rows_per_second_per_process;
  const capacity = peak * (1 + s.headroom);
  const processes = Math.ceil(capacity / perProcess);
  // A batch closes at batch_rows, at batch_bytes or when its first message has waited batch_max_wait, whichever comes first.
  const fillable = Math.min(s.batch_rows, Math.floor(s.batch_bytes / s.message_size), (avg / processes) * (s.batch_max_wait.ms / 1000));
  const rowsPerInsert = processes === 0 ? 0 : Math.max(1, fillable);

  return {
    vehicles,
    events_per_second_avg: avg,
    events_per_second_peak: peak,
    messages_per_day: messagesPerDay,
    broker_bytes_per_message: s.message_size,
    broker_bytes_per_day: messagesPerDay * s.message_size,
    broker_messages_held: held,
    broker_disk_bytes: held * s.message_size * s.broker_replication_factor,
    rows_per_day: messagesPerDay,
    bytes_per_row: bytesPerRow,
    clickhouse_bytes_per_day: messagesPerDay * bytesPerRow * s.replicas,
    ingest_rows_per_second_per_process: perProcess,
    ingest_capacity_needed: capacity,
    ingest_processes: processes,
    topic_partitions: processes * s.partitions_per_process,
    rows_per_insert: rowsPerInsert,
    inserts_per_day: rowsPerInsert === 0 ? 0 : messagesPerDay / rowsPerInsert,
  };
}
