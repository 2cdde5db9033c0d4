import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every Prometheus metric fleetlake exports, in one typed list: the name, a
 * one-line meaning and its labels. Stages get instruments from
 * `createMetrics()` instead of constructing prom-client objects themselves, so
 * names never drift between code, dashboards and docs.
 */
export const METRIC_DEFINITIONS = {
  ingestRows: { kind: 'counter', name: 'fleetlake_ingest_rows_total', help: 'positions inserted into fleet.positions', labels: [] },
  ingestRowsPerSecond: { kind: 'gauge', name: 'fleetlake_ingest_rows_per_second', help: 'positions inserted per second over the last report interval', labels: [] },
  ingestRejects: { kind: 'counter', name: 'fleetlake_ingest_rejects_total', help: 'messages refused by validation, by reason', labels: ['reason'] },
  ingestBatchRows: { kind: 'histogram', name: 'fleetlake_ingest_batch_rows', help: 'rows per ClickHouse insert', labels: [], buckets: [100, 1000, 5000, 10_000, 25_000, 50_000, 100_000, 250_000] },
  ingestBatchBytes: { kind: 'histogram', name: 'fleetlake_ingest_batch_bytes', help: 'message bytes per ClickHouse insert', labels: [], buckets: [1e4, 1e5, 1e6, 5e6, 1e7, 5e7, 1e8] },
  ingestInsertSeconds: { kind: 'histogram', name: 'fleetlake_ingest_insert_seconds', help: 'latency of one ClickHouse insert, retries excluded', labels: [], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] },
  ingestInsertFailures: { kind: 'counter', name: 'fleetlake_ingest_insert_failures_total', help: 'ClickHouse inserts that failed and will be retried', labels: [] },
  ingestConsumerLag: { kind: 'gauge', name: 'fleetlake_ingest_consumer_lag', help: 'messages between the committed offset and the partition end', labels: ['topic', 'partition'] },
  ingestFreshnessSeconds: { kind: 'gauge', name: 'fleetlake_ingest_freshness_seconds', help: 'now minus the newest event time ingested', labels: [] },
  ingestBufferedMessages: { kind: 'gauge', name: 'fleetlake_ingest_buffered_messages', help: 'messages read from the source and held in memory, not yet committed', labels: [] },
  ingestPausedPartitions: { kind: 'gauge', name: 'fleetlake_ingest_paused_partitions', help: 'partitions not being fetched because ingest is behind (back-pressure)', labels: [] },
  ingestStoppedPartitions: { kind: 'gauge', name: 'fleetlake_ingest_stopped_partitions', help: 'partitions stopped at a record batch no codec here can decode; the others go on', labels: [] },
  apiRequestSeconds: { kind: 'histogram', name: 'fleetlake_api_request_seconds', help: 'query API request latency by route and status', labels: ['route', 'status'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.3, 1, 3, 10] },
  apiQueryRowsRead: { kind: 'counter', name: 'fleetlake_api_query_rows_read_total', help: 'rows ClickHouse read for API queries, by named query', labels: ['query'] },
  apiQueryTimeouts: { kind: 'counter', name: 'fleetlake_api_query_timeouts_total', help: 'API queries ClickHouse cancelled at their time budget, by named query', labels: ['query'] },
  gatewayConnections: { kind: 'gauge', name: 'fleetlake_gateway_connections', help: 'open device connections, by protocol', labels: ['protocol'] },
  gatewayFrames: { kind: 'counter', name: 'fleetlake_gateway_frames_total', help: 'frames received, by protocol and outcome (ok, no_fix, duplicate, unknown_device or a reject reason)', labels: ['protocol', 'outcome'] },
  gatewayPositions: { kind: 'counter', name: 'fleetlake_gateway_positions_total', help: 'positions published and acknowledged to devices, by protocol', labels: ['protocol'] },
  gatewayRecordsWithoutFix: { kind: 'counter', name: 'fleetlake_gateway_records_without_fix_total', help: 'device records without a GPS fix (archived, not positions), by protocol', labels: ['protocol'] },
  gatewayAckSeconds: { kind: 'histogram', name: 'fleetlake_gateway_ack_seconds', help: 'from a whole frame received to its ACK sent (broker acknowledged), by protocol', labels: ['protocol'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5] },
  gatewayUnknownDevices: { kind: 'counter', name: 'fleetlake_gateway_unknown_devices_total', help: 'logins or requests from devices not in fleet.devices (rejected or registered per gateway.unknown_devices), by protocol', labels: ['protocol'] },
  gatewayClosed: { kind: 'counter', name: 'fleetlake_gateway_connections_closed_total', help: 'connections the gateway closed or refused, by protocol and reason (idle, trickle, max_connections, max_per_address, or a frame reject reason)', labels: ['protocol', 'reason'] },
  generatorPositions: { kind: 'counter', name: 'fleetlake_generator_positions_total', help: 'positions the generator emitted', labels: [] },
} as const;

/**
 * The series ingest writes into fleet.ingest_metrics (column `metric`) every
 * report interval, for dashboards and alerts that read the lake rather than
 * Prometheus. Each mirrors one instrument above, whose `help` is its meaning;
 * `summary` says how a histogram is reduced to one figure per report.
 */
export const INGEST_METRIC_SERIES = {
  rows_per_second: { mirrors: 'ingestRowsPerSecond' },
  rows_total: { mirrors: 'ingestRows' },
  rejects_total: { mirrors: 'ingestRejects' },
  batches_total: { mirrors: 'ingestBatchRows', summary: 'count of inserts acknowledged since the process started' },
  batch_rows_avg: { mirrors: 'ingestBatchRows', summary: 'mean over the last report interval' },
  batch_bytes_avg: { mirrors: 'ingestBatchBytes', summary: 'mean over the last report interval' },
  insert_seconds_p50: { mirrors: 'ingestInsertSeconds', summary: 'median over the last report interval' },
  insert_seconds_p99: { mirrors: 'ingestInsertSeconds', summary: '99th percentile over the last report interval' },
  insert_failures_total: { mirrors: 'ingestInsertFailures' },
  consumer_lag: { mirrors: 'ingestConsumerLag' },
  freshness_seconds: { mirrors: 'ingestFreshnessSeconds' },
  buffered_messages: { mirrors: 'ingestBufferedMessages' },
  paused_partitions: { mirrors: 'ingestPausedPartitions' },
  stopped_partitions: { mirrors: 'ingestStoppedPartitions' },
} as const satisfies Record<string, { mirrors: keyof typeof METRIC_DEFINITIONS; summary?: string }>;
export type IngestMetricSeries = keyof typeof INGEST_METRIC_SERIES;

/** What every gateway process writes into the same table, for the Devices dashboard; `instance` names the gateway. */
export const GATEWAY_METRIC_SERIES = {
  gateway_connections: { mirrors: 'gatewayConnections' },
  gateway_positions_per_second: { mirrors: 'gatewayPositions', summary: 'per second over the last report interval' },
  gateway_ack_seconds_p50: { mirrors: 'gatewayAckSeconds', summary: 'median over the last report interval' },
  gateway_ack_seconds_p99: { mirrors: 'gatewayAckSeconds', summary: '99th percentile over the last report interval' },
} as const satisfies Record<string, { mirrors: keyof typeof METRIC_DEFINITIONS; summary?: string }>;
export type GatewayMetricSeries = keyof typeof GATEWAY_METRIC_SERIES;
/** Every series of fleet.ingest_metrics. */
export type MetricSeries = IngestMetricSeries | GatewayMetricSeries;

type Definitions = typeof METRIC_DEFINITIONS;
type Labels<D> = D extends { labels: readonly (infer L extends string)[] } ? L : never;
type Instrument<D> = D extends { kind: 'counter' }
  ? Counter<Labels<D>>
  : D extends { kind: 'gauge' }
    ? Gauge<Labels<D>>
    : D extends { kind: 'histogram' }
      ? Histogram<Labels<D>>
      : never;

export type Metrics = { readonly [K in keyof Definitions]: Instrument<Definitions[K]> } & { readonly registry: Registry };

/** Builds every instrument on a fresh registry (one per process, or per test). */
export function createMetrics(registry: Registry = new Registry()): Metrics {
  const instruments: Record<string, unknown> = { registry };
  for (const [key, def] of Object.entries(METRIC_DEFINITIONS)) {
    const common = { name: def.name, help: def.help, labelNames: [...def.labels], registers: [registry] };
    instruments[key] =
      def.kind === 'counter' ? new Counter(common) : def.kind === 'gauge' ? new Gauge(common) : new Histogram({ ...common, buckets: [...def.buckets] });
  }
  return instruments as Metrics;
}
