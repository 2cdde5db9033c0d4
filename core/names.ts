/**
 * The fixed names every stage, script and dashboard agrees on. Anything that
 * names a database object or a topic imports it from here.
 */
export const DATABASE = 'fleet';

export const TABLES = {
  positions: `${DATABASE}.positions`,
  latestPositions: `${DATABASE}.latest_positions`,
  presenceHourly: `${DATABASE}.presence_hourly`,
  presenceDaily: `${DATABASE}.presence_daily`,
  ingestRejects: `${DATABASE}.ingest_rejects`,
  ingestMetrics: `${DATABASE}.ingest_metrics`,
  ingestJournal: `${DATABASE}.ingest_journal`,
  ingestFileProgress: `${DATABASE}.ingest_file_progress`,
  districts: `${DATABASE}.districts`,
  devices: `${DATABASE}.devices`,
  deviceFrames: `${DATABASE}.device_frames`,
  apiKeys: `${DATABASE}.api_keys`,
  vehicleGroups: `${DATABASE}.vehicle_groups`,
  apiAudit: `${DATABASE}.api_audit`,
  migrations: `${DATABASE}.schema_migrations`,
} as const;

export const TOPICS = {
  positions: 'fleet.positions',
  deadLetters: 'fleet.positions.dlq',
  deviceFrames: 'fleet.device_frames',
} as const;

/** The H3 resolution of `fleet.positions.h3_cell`; see docs/storage.md for the measurement behind it. */
export const H3_RESOLUTION = 8;

/** Storage policy and volume names, shared by the DDL and both storage configurations. */
export const STORAGE = {
  policy: 'fleet_tiered',
  hotVolume: 'hot',
  coldVolume: 'cold',
} as const;

/**
 * The series ingest writes into fleet.ingest_metrics (column `metric`) every
 * report interval, with their labels. Dashboards and alerts query these names.
 */
export const INGEST_METRIC_SERIES = {
  rows_per_second: 'positions inserted per second over the last report interval',
  rows_total: 'positions inserted since the process started',
  rejects_total: 'messages refused since the process started; label reason',
  batches_total: 'ClickHouse inserts acknowledged since the process started',
  batch_rows_avg: 'mean rows per insert over the last report interval',
  batch_bytes_avg: 'mean message bytes per insert over the last report interval',
  insert_seconds_p50: 'median insert latency over the last report interval',
  insert_seconds_p99: '99th percentile insert latency over the last report interval',
  insert_failures_total: 'failed (and retried) inserts since the process started',
  consumer_lag: 'messages between committed offset and partition end; labels topic, partition',
  freshness_seconds: 'now minus the newest event time ingested',
  buffered_messages: 'messages read from the source and held in memory, not yet committed',
  paused_partitions: 'partitions not being fetched because ingest is behind (back-pressure)',
  stopped_partitions: 'partitions stopped at a record batch no codec here can decode; the others go on',
} as const;
export type IngestMetricSeries = keyof typeof INGEST_METRIC_SERIES;
