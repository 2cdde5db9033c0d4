import type { ClickHouseClient } from '../core/clickhouse.ts';
import { errorMessage } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { IngestMetricSeries } from '../core/metrics.ts';
import { TABLES } from '../core/names.ts';
import type { Clock } from '../core/clock.ts';
import type { IngestStats } from './ingest-stats.ts';
import type { BackPressure, PartitionLag } from './types.ts';

export interface MetricRow {
  readonly ts: string;
  readonly instance: string;
  readonly metric: IngestMetricSeries;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/**
 * The rows of one report: every series of INGEST_METRIC_SERIES that has a
 * value. Interval figures without a sample (no insert in the interval: no
 * latency; nothing ingested yet: no freshness) are left out rather than
 * written as a misleading zero; counters are always written.
 */
export function metricRows(stats: IngestStats, lags: readonly PartitionLag[], backPressure: BackPressure, instance: string, nowMs: number): MetricRow[] {
  const totals = stats.totals();
  const window = stats.takeWindow(nowMs);
  const ts = `${Math.floor(nowMs / 1000)}.${String(nowMs % 1000).padStart(3, '0')}`;
  const rows: MetricRow[] = [];
  const add = (metric: IngestMetricSeries, value: number, labels: Record<string, string> = {}) => rows.push({ ts, instance, metric, labels, value });

  add('rows_per_second', window.rows / window.seconds);
  add('rows_total', totals.rows);
  for (const [reason, count] of Object.entries(totals.rejects)) add('rejects_total', count, { reason });
  add('batches_total', totals.batches);
  add('insert_failures_total', totals.insertFailures);
  if (window.batches > 0) {
    add('batch_rows_avg', window.rows / window.batches);
    add('batch_bytes_avg', window.batchBytes / window.batches);
  }
  if (window.insertSeconds.length > 0) {
    add('insert_seconds_p50', quantile(window.insertSeconds, 0.5));
    add('insert_seconds_p99', quantile(window.insertSeconds, 0.99));
  }
  for (const l of lags) add('consumer_lag', l.lag, { topic: l.topic, partition: String(l.partition) });
  if (totals.newestTsMs !== undefined) add('freshness_seconds', (nowMs - totals.newestTsMs) / 1000);
  add('buffered_messages', backPressure.bufferedMessages);
  add('paused_partitions', backPressure.pausedStreams);
  add('stopped_partitions', backPressure.stoppedStreams);
  return rows;
}

/** Nearest-rank quantile. */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

export interface MetricsReporter {
  /** Writes one last report and stops. */
  stop(): Promise<void>;
}

/**
 * Every `intervalMs`, reads the lag from the source and writes the
 * INGEST_METRIC_SERIES rows into fleet.ingest_metrics. A failed write (the
 * lake is down) is logged and skipped: figures must never hold up ingest.
 */
export function startMetricsReporter(options: {
  client: ClickHouseClient;
  stats: IngestStats;
  lag: (() => Promise<readonly PartitionLag[]>) | undefined;
  backPressure: () => BackPressure;
  instance: string;
  intervalMs: number;
  clock: Clock;
  logger: Logger;
}): MetricsReporter {
  const { client, stats, clock, logger } = options;
  const stopped = new AbortController();
  const report = async () => {
    let lags: readonly PartitionLag[] = [];
    try {
      lags = options.lag ? await options.lag() : [];
      stats.lagObserved(lags);
    } catch (err) {
      logger.debug({ err: errorMessage(err) }, 'reading consumer lag failed');
    }
    const now = clock.now();
    const backPressure = options.backPressure();
    stats.refreshGauges(now, backPressure);
    try {
      await client.insert({ table: TABLES.ingestMetrics, values: metricRows(stats, lags, backPressure, options.instance, now), format: 'JSONEachRow' });
    } catch (err) {
      logger.warn({ err: errorMessage(err) }, `writing ${TABLES.ingestMetrics} failed; skipping this report`);
    }
  };
  const loop = (async () => {
    while (!stopped.signal.aborted) {
      await clock.sleep(options.intervalMs, stopped.signal);
      if (!stopped.signal.aborted) await report();
    }
  })();
  return {
    async stop() {
      stopped.abort();
      await loop;
      await report();
    },
  };
}
