import type { Clock } from '../core/clock.ts';
import { errorMessage } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { retryUntilDone, type Attempt, type Backoff } from './retry.ts';

export interface BatchStepOptions {
  /** The batch, as `stream:first-last`, for logs and for the error that ends a permanent failure. */
  readonly range: string;
  /** Aborts when the batch is given up (its stream reset, or shutdown out of time). */
  readonly signal: AbortSignal;
  readonly backoff: Backoff;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called for each failed attempt of a step that writes to ClickHouse (fleetlake_ingest_insert_failures_total). */
  readonly onInsertFailure: () => void;
}

export type BatchStep = <T>(name: string, fn: () => Promise<T>, writesToClickHouse: boolean) => Promise<Attempt<T>>;

/**
 * One step of a batch (claim, insert, rejects, dead letters, commit): retried
 * until it succeeds, `{ done: false }` once the batch is given up. Every
 * failure is logged with the step and the batch, and the recovery once, so an
 * operator sees both the outage and its end. Throws PERMANENT_FAILURE for a
 * failure retrying cannot fix (ingest/retry.ts).
 */
export function createBatchStep(options: BatchStepOptions): BatchStep {
  const { range, logger } = options;
  return async (name, fn, writesToClickHouse) => {
    let failed = 0;
    const attempt = await retryUntilDone(fn, {
      what: `${name} of batch ${range}`,
      backoff: options.backoff,
      clock: options.clock,
      signal: options.signal,
      onFailure(err, failures, delayMs) {
        failed = failures;
        if (writesToClickHouse) options.onInsertFailure();
        logger.warn({ step: name, batch: range, failures, retryInMs: delayMs, err: errorMessage(err) }, `${name} failed; holding this batch (nothing is committed) and retrying`);
      },
    });
    if (attempt.done && failed > 0) logger.info({ step: name, batch: range, failures: failed }, `${name} succeeded after ${failed} failures; catching up`);
    return attempt;
  };
}
