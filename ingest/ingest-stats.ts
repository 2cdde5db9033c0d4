import type { Metrics } from '../core/metrics.ts';
import { REJECT_REASONS, type RejectReason } from '../core/position.ts';
import type { BackPressure, PartitionLag } from './types.ts';

/** What one acknowledged and committed batch contributed. */
export interface BatchFigures {
  readonly rows: number;
  readonly bytes: number;
  readonly insertSeconds: number;
  readonly newestTsMs: number | undefined;
  readonly rejects: readonly RejectReason[];
}

export interface IngestTotals {
  readonly rows: number;
  readonly batches: number;
  readonly insertFailures: number;
  readonly rejects: Readonly<Record<RejectReason, number>>;
  /** Newest event time ingested so far (ms), undefined before the first row. */
  readonly newestTsMs: number | undefined;
}

/** The figures of one report interval; taking them starts the next interval. */
export interface IngestWindow {
  readonly seconds: number;
  readonly rows: number;
  readonly batches: number;
  readonly batchBytes: number;
  readonly insertSeconds: readonly number[];
}

/**
 * Counts what ingest does, once, and feeds both outputs from it: the
 * Prometheus instruments of core/metrics.ts as things happen, and the
 * per-interval figures the reporter writes into fleet.ingest_metrics.
 */
export interface IngestStats {
  batchCommitted(figures: BatchFigures): void;
  insertFailed(): void;
  lagObserved(lags: readonly PartitionLag[]): void;
  /** Sets the gauges that depend on the moment of reading: freshness, and back-pressure as observed now. */
  refreshGauges(nowMs: number, backPressure: BackPressure): void;
  totals(): IngestTotals;
  takeWindow(nowMs: number): IngestWindow;
}

export function createIngestStats(metrics: Metrics, startMs: number): IngestStats {
  let rows = 0;
  let batches = 0;
  let insertFailures = 0;
  let newestTsMs: number | undefined;
  const rejects = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>;
  let window = { startMs, rows: 0, batches: 0, batchBytes: 0, insertSeconds: [] as number[] };

  return {
    batchCommitted(f) {
      rows += f.rows;
      batches += 1;
      window.rows += f.rows;
      window.batches += 1;
      window.batchBytes += f.bytes;
      metrics.ingestRows.inc(f.rows);
      metrics.ingestBatchRows.observe(f.rows);
      metrics.ingestBatchBytes.observe(f.bytes);
      if (f.rows > 0) {
        window.insertSeconds.push(f.insertSeconds);
        metrics.ingestInsertSeconds.observe(f.insertSeconds);
      }
      for (const reason of f.rejects) {
        rejects[reason] += 1;
        metrics.ingestRejects.inc({ reason });
      }
      if (f.newestTsMs !== undefined && (newestTsMs === undefined || f.newestTsMs > newestTsMs)) newestTsMs = f.newestTsMs;
    },
    insertFailed() {
      insertFailures += 1;
      metrics.ingestInsertFailures.inc();
    },
    lagObserved(lags) {
      metrics.ingestConsumerLag.reset();
      for (const l of lags) metrics.ingestConsumerLag.set({ topic: l.topic, partition: String(l.partition) }, l.lag);
    },
    refreshGauges(nowMs, backPressure) {
      if (newestTsMs !== undefined) metrics.ingestFreshnessSeconds.set((nowMs - newestTsMs) / 1000);
      metrics.ingestBufferedMessages.set(backPressure.bufferedMessages);
      metrics.ingestPausedPartitions.set(backPressure.pausedStreams);
      metrics.ingestStoppedPartitions.set(backPressure.stoppedStreams);
    },
    totals: () => ({ rows, batches, insertFailures, rejects: { ...rejects }, newestTsMs }),
    takeWindow(nowMs) {
      const taken = { ...window, seconds: Math.max(0.001, (nowMs - window.startMs) / 1000) };
      window = { startMs: nowMs, rows: 0, batches: 0, batchBytes: 0, insertSeconds: [] };
      metrics.ingestRowsPerSecond.set(taken.rows / taken.seconds);
      return taken;
    },
  };
}
