import type { Logger } from '../core/logger.ts';
import type { IngestWriter } from './clickhouse-writer.ts';
import type { Clock } from '../core/clock.ts';
import { encodeBatch } from './encode-batch.ts';
import type { IngestStats } from './ingest-stats.ts';
import type { BatchJournal } from './journal.ts';
import type { AdoptedRange, CutBatch } from './partition-batcher.ts';
import { createBatchStep } from './batch-step.ts';
import type { Backoff } from './retry.ts';
import type { IngestSource } from './types.ts';

export interface BatchRunnerOptions {
  readonly source: Pick<IngestSource, 'kind' | 'decode' | 'commit' | 'deadLetter'>;
  readonly writer: IngestWriter;
  readonly journal: BatchJournal;
  /** Accepted event times: from `refMs - maxPastMs` to `refMs + maxFutureMs`. */
  readonly maxPastMs: number;
  readonly maxFutureMs: number;
  readonly backoff: Backoff;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly stats: IngestStats;
}

/** How a batch ended: committed, handed back to be re-cut at a journaled range, or abandoned uncommitted (reset or shutdown). */
export type BatchOutcome =
  | { readonly kind: 'committed' }
  | { readonly kind: 'recut'; readonly range: AdoptedRange }
  | { readonly kind: 'abandoned'; readonly step: string };

/**
 * Takes one cut batch through claim → validate → insert positions → insert
 * rejects → dead letters → commit. Every write is idempotent (same range, same
 * dedup token), so each step simply retries until it succeeds; the offset is
 * committed last, after ClickHouse acknowledged, and only while `owned` is not aborted.
 */
export function createBatchRunner(options: BatchRunnerOptions) {
  const { source, writer, journal, clock, logger, stats } = options;

  return async function runBatch(batch: CutBatch, owned: AbortSignal, stop: AbortSignal): Promise<BatchOutcome> {
    const { stream, first, last } = batch;
    const range = `${stream.id}:${first}-${last}`;
    const signal = AbortSignal.any([owned, stop]);
    const step = createBatchStep({ range, signal, backoff: options.backoff, clock, logger, onInsertFailure: () => stats.insertFailed() });

    let refMs = batch.adoptedRefMs;
    if (refMs === undefined) {
      const claim = await step('journal', () => journal.claim(stream, first, last, clock.now()), true);
      if (!claim.done) return { kind: 'abandoned', step: 'journal' };
      if (!claim.value.won) {
        logger.info({ batch: range, journaled: `${first}-${claim.value.last}` }, 're-cutting to the range already journaled for this offset');
        return { kind: 'recut', range: { last: claim.value.last, refMs: claim.value.refMs } };
      }
      refMs = claim.value.refMs;
    }

    const encoded = encodeBatch(batch, source.decode, { minTsMs: refMs - options.maxPastMs, maxTsMs: refMs + options.maxFutureMs });
    let insertSeconds = 0;
    if (encoded.rows > 0) {
      const inserted = await step('insert positions', async () => {
        const started = clock.now();
        await writer.insertPositions(range, encoded.body, encoded.columns);
        insertSeconds = (clock.now() - started) / 1000;
      }, true);
      if (!inserted.done) return { kind: 'abandoned', step: 'insert positions' };
    }
    if (encoded.rejects.length > 0) {
      const stored = await step('insert rejects', () => writer.insertRejects(range, source.kind, encoded.rejects), true);
      if (!stored.done) return { kind: 'abandoned', step: 'insert rejects' };
      const { deadLetter } = source;
      if (deadLetter) {
        const sent = await step('dead letters', () => deadLetter.call(source, encoded.rejects), false);
        if (!sent.done) return { kind: 'abandoned', step: 'dead letters' };
      }
    }

    // After a reset the stream belongs to a new lane (or another process), which re-cuts this range from the journal and commits it.
    if (owned.aborted) return { kind: 'abandoned', step: 'commit' };
    const committed = await step('commit', () => source.commit(stream, last + 1), false);
    if (!committed.done) return { kind: 'abandoned', step: 'commit' };

    stats.batchCommitted({ rows: encoded.rows, bytes: batch.bytes, insertSeconds, newestTsMs: encoded.newestTsMs, rejects: encoded.rejects.map((r) => r.reason) });
    logger.debug({ batch: range, rows: encoded.rows, rejects: encoded.rejects.length, insertSeconds }, 'batch committed');
    return { kind: 'committed' };
  };
}

export type RunBatch = ReturnType<typeof createBatchRunner>;
