import type { Metrics } from '../core/metrics.ts';
import { systemClock, type Clock } from '../core/clock.ts';
import { createFleetEngine, type FleetStats } from './engine.ts';
import type { FleetOptions } from './fleet-options.ts';
import type { OutgoingMessage, PositionSink } from './sink.ts';

/** Backfill: a fixed period on a simulated clock, as fast as the sink takes it. Live: from now on, paced by the clock. */
export type Schedule =
  | { readonly kind: 'backfill'; readonly fromMs: number; readonly toMs: number }
  | { readonly kind: 'live'; readonly durationMs?: number };

export interface GeneratorProgress {
  readonly messages: number;
  readonly fromMs: number;
  readonly toMs: number;
  /** Event time reached so far. */
  readonly reachedMs: number;
}

export interface RunGeneratorOptions {
  readonly fleet: FleetOptions;
  readonly schedule: Schedule;
  readonly sink: PositionSink;
  readonly clock?: Clock;
  /** Aborting stops the run after the batch in flight; what was sent stays sent. */
  readonly signal?: AbortSignal;
  /** Messages per sink.send (default 10 000). */
  readonly batchSize?: number;
  /** Live mode: how long due messages may wait to be sent together (default 250 ms). */
  readonly lingerMs?: number;
  readonly onProgress?: (progress: GeneratorProgress) => void;
  readonly metrics?: Pick<Metrics, 'generatorPositions'>;
}

export interface RunSummary extends FleetStats {
  readonly fromMs: number;
  /** Event time reached. */
  readonly reachedMs: number;
  /** True when the signal stopped the run before its end. */
  readonly stopped: boolean;
}

/**
 * Runs the fleet into a sink until the schedule ends or the signal aborts.
 * One batch is in flight at a time (so a vehicle's positions reach the sink in
 * order) while the next one is being generated. The caller owns the sink and
 * closes it.
 */
export async function runGenerator(options: RunGeneratorOptions): Promise<RunSummary> {
  const { schedule, sink, signal } = options;
  const clock = options.clock ?? systemClock;
  const batchSize = options.batchSize ?? 10_000;
  const lingerMs = options.lingerMs ?? 250;
  const live = schedule.kind === 'live';
  const fromMs = live ? Math.floor(clock.now()) : schedule.fromMs;
  const toMs = live ? fromMs + (schedule.durationMs ?? Infinity) : schedule.toMs;
  const engine = createFleetEngine(options.fleet, fromMs, toMs);

  let inFlight: Promise<void> | undefined;
  let messages = 0;
  while (!signal?.aborted) {
    const batch: OutgoingMessage[] = [];
    const count = engine.fill(batch, batchSize, live ? clock.now() : Infinity);
    if (count > 0) {
      await inFlight;
      inFlight = sink.send(batch);
      // Marked handled now; the failure still surfaces at the next await.
      inFlight.catch(() => {});
      messages += count;
      options.metrics?.generatorPositions.inc(count);
      options.onProgress?.({ messages, fromMs, toMs, reachedMs: engine.reachedMs });
      if (count >= batchSize) continue;
    }
    const due = engine.nextDueMs();
    if (due === Infinity) break;
    if (live) await clock.sleep(Math.max(due - clock.now(), lingerMs), signal);
  }
  await inFlight;
  const stopped = signal?.aborted === true && engine.nextDueMs() !== Infinity;
  if (!stopped && Number.isFinite(toMs)) options.onProgress?.({ messages, fromMs, toMs, reachedMs: toMs });
  return { ...engine.stats(), fromMs, reachedMs: engine.reachedMs, stopped };
}
