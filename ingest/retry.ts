import type { FleetlakeConfig } from '../core/config.ts';
import { FleetlakeError, errorMessage } from '../core/errors.ts';
import { classifyFailure } from '../core/failures.ts';
import type { Clock } from '../core/clock.ts';

export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

/** ingest.retry_initial and ingest.retry_max as a back-off; a cap below the first delay is raised to it. */
export function configuredBackoff(ingest: FleetlakeConfig['ingest']): Backoff {
  return { initialMs: ingest.retry_initial.ms, maxMs: Math.max(ingest.retry_initial.ms, ingest.retry_max.ms) };
}

/** The wait after the n-th consecutive failure: initial, doubled each time, capped at max. */
export function backoffDelay(backoff: Backoff, failures: number): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(failures - 1, 30));
}

export type Attempt<T> = { readonly done: true; readonly value: T } | { readonly done: false };

export interface RetryOptions {
  /** What is tried, for the error that ends a permanent failure, e.g. "insert positions". */
  readonly what: string;
  readonly backoff: Backoff;
  readonly clock: Clock;
  /** Stops retrying (the stream was reset, or shutdown ran out of time): the result is then `{ done: false }`. */
  readonly signal: AbortSignal;
  readonly onFailure: (err: unknown, failures: number, delayMs: number) => void;
}

/**
 * Runs `fn` until it succeeds or `signal` aborts, waiting a capped, doubling
 * delay between failures. Infrastructure failures (ClickHouse or the broker
 * away) end up here and are waited out; a failure that retrying cannot fix
 * (core/failures.ts: a dropped table, wrong credentials, a read-only user)
 * throws PERMANENT_FAILURE at once, naming the cause and what to do.
 */
export async function retryUntilDone<T>(fn: () => Promise<T>, options: RetryOptions): Promise<Attempt<T>> {
  let failures = 0;
  while (!options.signal.aborted) {
    try {
      return { done: true, value: await fn() };
    } catch (err) {
      const failure = classifyFailure(err);
      if (failure.kind === 'permanent') {
        throw new FleetlakeError('PERMANENT_FAILURE', { what: options.what, cause: failure.cause, action: failure.action ?? 'see the detail', detail: errorMessage(err) }, { cause: err });
      }
      failures += 1;
      const delayMs = backoffDelay(options.backoff, failures);
      options.onFailure(err, failures, delayMs);
      await options.clock.sleep(delayMs, options.signal);
    }
  }
  return { done: false };
}
