import { queryRows, type ClickHouseClient } from '../core/clickhouse.ts';
import { FleetlakeError, errorMessage } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { TABLES } from '../core/names.ts';
import type { Clock } from '../core/clock.ts';
import { retryUntilDone, type Backoff } from './retry.ts';

const NEEDED = [TABLES.positions, TABLES.ingestRejects, TABLES.ingestMetrics, TABLES.ingestJournal, TABLES.ingestFileProgress];

export interface LakeWaitOptions {
  readonly backoff: Backoff;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Gives up waiting: the result is then false. */
  readonly signal?: AbortSignal;
}

/**
 * Waits until ClickHouse answers, then refuses to start on a lake without the
 * tables ingest writes, with the command that creates them. A ClickHouse that
 * does not answer (a server restarting, a container not up yet) is waited for
 * with the batches' back-off rather than exited on: a supervisor restarting
 * ingest in a loop would gain nothing. Resolves false when `signal` aborts first.
 */
export async function waitForLake(client: ClickHouseClient, location: string, options: LakeWaitOptions): Promise<boolean> {
  const { logger } = options;
  let failed = 0;
  const answer = await retryUntilDone(
    () => queryRows<{ table: string }>(client, `SELECT concat(database, '.', name) AS table FROM system.tables WHERE table IN {names:Array(String)}`, { names: NEEDED }),
    {
      what: `reaching the lake at ${location}`,
      backoff: options.backoff,
      clock: options.clock,
      signal: options.signal ?? new AbortController().signal,
      onFailure(err, failures, delayMs) {
        failed = failures;
        logger.warn({ lake: location, failures, retryInMs: delayMs, err: errorMessage(err) }, 'ClickHouse does not answer; waiting for it before consuming anything');
      },
    },
  );
  if (!answer.done) return false;
  if (failed > 0) logger.info({ lake: location, failures: failed }, 'ClickHouse answers again; starting');
  const missing = NEEDED.filter((t) => !answer.value.some((p) => p.table === t));
  if (missing.length > 0) {
    throw new FleetlakeError('INGEST_LAKE_NOT_READY', { location, missing: missing.join(', ') });
  }
  return true;
}
