import { hostname } from 'node:os';
import type { ClickHouseClient } from '../core/clickhouse.ts';
import type { FleetlakeConfig } from '../core/config.ts';
import { errorMessage } from '../core/errors.ts';
import { createSilentLogger, type Logger } from '../core/logger.ts';
import { createMetrics, type Metrics } from '../core/metrics.ts';
import { createBatchRunner } from './batch-runner.ts';
import { createClickHouseWriter } from './clickhouse-writer.ts';
import { systemClock, type Clock } from '../core/clock.ts';
import { createIngestStats, type IngestStats, type IngestTotals } from './ingest-stats.ts';
import { createClickHouseJournal, createNoJournal } from './journal.ts';
import { waitForLake } from './lake-check.ts';
import { startMetricsReporter } from './metrics-reporter.ts';
import { startMetricsServer } from './metrics-server.ts';
import { createPipeline } from './pipeline.ts';
import { configuredBackoff } from './retry.ts';
import type { BackPressure, IngestSource } from './types.ts';
import { writeConsistency } from './write-consistency.ts';

export interface RunIngestOptions {
  readonly source: IngestSource;
  readonly client: ClickHouseClient;
  readonly config: FleetlakeConfig;
  readonly logger?: Logger;
  /** Prometheus instruments; pass the process's own to share one registry with other stages. */
  readonly metrics?: Metrics;
  readonly clock?: Clock;
  /** Aborting stops ingest gracefully: stop fetching, flush, insert, commit, leave the group. */
  readonly signal?: AbortSignal;
  /** Called after every committed batch with the running totals (tests and benchmarks follow progress with it). */
  readonly onBatch?: (totals: IngestTotals) => void;
}

export interface IngestSummary extends IngestTotals {
  /** Messages still buffered when the stop deadline passed; uncommitted, so the next run reads them again. */
  readonly leftBuffered: number;
}

/**
 * Runs ingest from one source until the source ends (a file, an ended
 * in-process source) or `signal` aborts (Kafka), then finishes cleanly.
 * Meanwhile serves /metrics (ingest.metrics_port, 0 = off) and writes
 * fleet.ingest_metrics every ingest.report_interval. Rejects when the lake is
 * not migrated, the source fails for good, or a batch fails in a way retrying
 * cannot fix; ClickHouse or broker outages are retried, never fatal, including
 * a ClickHouse or a broker that does not answer yet when ingest starts.
 */
export async function runIngest(options: RunIngestOptions): Promise<IngestSummary> {
  const { source, client, config } = options;
  const settings = config.ingest;
  const logger = options.logger ?? createSilentLogger();
  const clock = options.clock ?? systemClock;
  const metrics = options.metrics ?? createMetrics();
  const backoff = configuredBackoff(settings);
  const counted = createIngestStats(metrics, clock.now());
  if (!(await waitForLake(client, config.clickhouse.url ?? config.clickhouse.data_dir, { backoff, clock, logger, signal: options.signal }))) {
    logger.info('stopped while waiting for ClickHouse: nothing was consumed');
    return { ...counted.totals(), leftBuffered: 0 };
  }

  const instance = settings.instance || `${hostname()}:${process.pid}`;
  const stats: IngestStats = options.onBatch
    ? { ...counted, batchCommitted: (f) => (counted.batchCommitted(f), options.onBatch?.(counted.totals())) }
    : counted;
  const consistency = writeConsistency(config.clickhouse.cluster);
  const runBatch = createBatchRunner({
    source,
    writer: createClickHouseWriter(client, consistency),
    journal: source.replayable ? createClickHouseJournal(client, instance, consistency) : createNoJournal(),
    maxPastMs: settings.max_past.ms,
    maxFutureMs: settings.max_future.ms,
    backoff,
    clock,
    logger,
    stats,
  });
  // Once asked to stop, batches get shutdown_timeout to finish; a source that ends by itself waits for them as long as it takes.
  const stopSource = new AbortController();
  const deadline = new AbortController();
  const noDeadline = new AbortController();
  stopSource.signal.addEventListener('abort', () => {
    void clock.sleep(settings.shutdown_timeout.ms, noDeadline.signal).then(() => noDeadline.signal.aborted || deadline.abort());
  }, { once: true });
  const pipeline = createPipeline({
    limits: { rows: settings.batch_rows, bytes: settings.batch_bytes, maxWaitMs: settings.batch_max_wait.ms },
    maxInFlight: settings.max_in_flight,
    runBatch,
    clock,
    logger,
    deadline: deadline.signal,
    onFatal(err) {
      logger.error({ err: errorMessage(err) }, 'a batch failed for good; stopping without committing past it');
      stopSource.abort();
    },
  });
  options.signal?.addEventListener('abort', () => stopSource.abort(), { once: true });
  if (options.signal?.aborted) stopSource.abort();

  const backPressure = (): BackPressure => {
    const held = source.held?.();
    return { bufferedMessages: pipeline.buffered + (held?.messages ?? 0), pausedStreams: held?.pausedStreams ?? 0, stoppedStreams: held?.stoppedStreams ?? 0 };
  };
  const server = settings.metrics_port > 0
    ? await startMetricsServer({ port: settings.metrics_port, registry: metrics.registry, logger, beforeScrape: () => stats.refreshGauges(clock.now(), backPressure()) })
    : undefined;
  const reporter = startMetricsReporter({ client, stats, lag: source.lag?.bind(source), backPressure, instance, intervalMs: settings.report_interval.ms, clock, logger });
  logger.info({ source: source.kind, instance, batchRows: settings.batch_rows, batchMaxWait: settings.batch_max_wait.text }, 'ingest started');

  let failure: unknown;
  try {
    await source.run(pipeline, stopSource.signal);
  } catch (err) {
    failure = err;
    stopSource.abort();
  }

  let leftBuffered = 0;
  let abandonedBatches = 0;
  try {
    ({ leftBuffered, abandonedBatches } = await pipeline.close());
  } catch (err) {
    failure ??= err;
  } finally {
    noDeadline.abort();
    await reporter.stop();
    await source.close();
    await server?.close();
  }
  if (failure !== undefined) throw failure;
  const totals = counted.totals();
  logger.info({ rows: totals.rows, batches: totals.batches, leftBuffered, abandonedBatches }, 'ingest stopped');
  return { ...totals, leftBuffered };
}
