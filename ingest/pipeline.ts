import type { Logger } from '../core/logger.ts';
import type { RunBatch } from './batch-runner.ts';
import type { Clock } from '../core/clock.ts';
import { createDeadlineTimer } from './deadline-timer.ts';
import { createPartitionBatcher, type BatchLimits, type CutBatch, type PartitionBatcher } from './partition-batcher.ts';
import type { SourceMessage, SourceSink, StreamRef } from './types.ts';

export interface PipelineOptions {
  readonly limits: BatchLimits;
  /** Batches (one per stream at most) being written at once. */
  readonly maxInFlight: number;
  readonly runBatch: RunBatch;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Aborts when stopping has run out of time: batches still retrying give up uncommitted, nothing new starts. */
  readonly deadline: AbortSignal;
  /** Called once when a batch failed in a way retrying cannot fix; the caller should stop the source and close. */
  readonly onFatal: (err: unknown) => void;
}

export interface CloseSummary {
  /** Messages still buffered when the deadline passed; uncommitted, so the next run reads them again. */
  readonly leftBuffered: number;
  /** Batches given up uncommitted (a reset, or the deadline); their ranges are replayed by whoever reads them next. */
  readonly abandonedBatches: number;
}

/** The ingest core as a source sees it, plus the way to finish. */
export interface IngestPipeline extends SourceSink {
  /** Messages accepted and not yet committed: buffered in lanes or in a batch being written. */
  readonly buffered: number;
  /**
   * No more messages will come: cuts what is buffered, waits until every batch
   * is committed and resolves. After the deadline, batches still retrying give
   * up uncommitted. Rejects if a batch failed in a way retrying cannot fix.
   */
  close(): Promise<CloseSummary>;
}

interface Lane {
  readonly stream: StreamRef;
  readonly batcher: PartitionBatcher;
  /** Aborted when the lane is reset: its batch in flight must not commit. */
  readonly owned: AbortController;
  busy: boolean;
  waiters: (() => void)[];
}

/**
 * Buffers each stream in its own lane, cuts batches (rows, bytes, max wait, or
 * a journaled range), runs at most one batch per lane so commits stay in offset
 * order and at most `maxInFlight` overall. A full lane refuses messages: that
 * refusal is the back-pressure signal sources turn into paused fetching.
 */
export function createPipeline(options: PipelineOptions): IngestPipeline {
  const { limits, clock, logger, runBatch } = options;
  const lanes = new Map<string, Lane>();
  const hardStop = new AbortController();
  options.deadline.addEventListener('abort', () => halt(), { once: true });
  let inFlight = 0;
  let inFlightMessages = 0;
  let closing = false;
  let abandonedBatches = 0;
  let fatal: unknown;
  let rotation = 0;
  let settle: (() => void) | undefined;

  const release = (lane: Lane) => {
    if (!lane.batcher.hasRoom()) return;
    const waiters = lane.waiters;
    lane.waiters = [];
    for (const resolve of waiters) resolve();
  };

  const start = (lane: Lane, batch: CutBatch) => {
    lane.busy = true;
    inFlight += 1;
    inFlightMessages += batch.messages.length;
    release(lane);
    runBatch(batch, lane.owned.signal, hardStop.signal)
      .then((outcome) => {
        if (outcome.kind === 'recut' && !lane.owned.signal.aborted) lane.batcher.restore(batch.messages, clock.now(), outcome.range);
        if (outcome.kind === 'abandoned') abandonedBatches += 1;
      })
      .catch((err: unknown) => {
        // Not an infrastructure failure (those retry): committing later batches past this one would lose it, so stop everything.
        if (fatal === undefined) {
          fatal = err;
          halt();
          options.onFatal(err);
        }
      })
      .finally(() => {
        lane.busy = false;
        inFlight -= 1;
        inFlightMessages -= batch.messages.length;
        dispatch();
      });
  };

  const tryStart = (lane: Lane, now: number): void => {
    if (lane.busy || inFlight >= options.maxInFlight || hardStop.signal.aborted) return;
    const batch = lane.batcher.poll(now, closing);
    if (batch) start(lane, batch);
  };

  /** Starts every batch that is due and arms one timer for the next max-wait deadline. */
  const dispatch = (): void => {
    const now = clock.now();
    const all = [...lanes.values()];
    rotation = (rotation + 1) % Math.max(1, all.length);
    for (let i = 0; i < all.length; i++) tryStart(all[(rotation + i) % all.length]!, now);
    let next = Number.POSITIVE_INFINITY;
    for (const lane of all) {
      const deadline = lane.busy ? undefined : lane.batcher.deadline();
      if (deadline !== undefined && deadline < next) next = deadline;
    }
    timer.arm(next, now);
    // Closing, every lane was just offered a flush and none started a batch: all is committed, or left to the next run.
    if (closing && settle && inFlight === 0) settle();
  };

  const timer = createDeadlineTimer(clock, () => dispatch());

  /** Gives up: nothing new starts, retries end, and sources waiting for room are let go (they then see `halted`). */
  function halt(): void {
    if (hardStop.signal.aborted) return;
    hardStop.abort();
    for (const lane of lanes.values()) {
      for (const resolve of lane.waiters) resolve();
      lane.waiters = [];
    }
    dispatch();
  }

  const laneOf = (stream: StreamRef): Lane => {
    let lane = lanes.get(stream.id);
    if (!lane) {
      lane = { stream, batcher: createPartitionBatcher(stream, limits), owned: new AbortController(), busy: false, waiters: [] };
      lanes.set(stream.id, lane);
    }
    return lane;
  };

  return {
    get halted() {
      return hardStop.signal.aborted;
    },

    get buffered() {
      let buffered = inFlightMessages;
      for (const lane of lanes.values()) buffered += lane.batcher.buffered;
      return buffered;
    },

    submit(message: SourceMessage) {
      if (hardStop.signal.aborted) return false;
      const lane = laneOf(message.stream);
      const now = clock.now();
      const wasEmpty = lane.batcher.buffered === 0;
      if (!lane.batcher.submit(message, now)) return false;
      tryStart(lane, now);
      if (wasEmpty && !lane.busy && now + limits.maxWaitMs < timer.at) timer.arm(now + limits.maxWaitMs, now);
      return true;
    },

    writable(stream) {
      const lane = lanes.get(stream.id);
      if (!lane || lane.batcher.hasRoom() || hardStop.signal.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => lane.waiters.push(resolve));
    },

    reset() {
      for (const lane of lanes.values()) {
        lane.owned.abort();
        for (const resolve of lane.waiters) resolve();
      }
      if (lanes.size > 0) logger.info({ streams: [...lanes.keys()] }, 'streams reset: buffered messages dropped, the broker re-delivers them from the committed offsets');
      lanes.clear();
      dispatch();
    },

    async close() {
      closing = true;
      await new Promise<void>((resolve) => {
        settle = resolve;
        dispatch();
      });
      timer.cancel();
      if (fatal !== undefined) throw fatal;
      let leftBuffered = 0;
      for (const lane of lanes.values()) leftBuffered += lane.batcher.buffered;
      return { leftBuffered, abandonedBatches };
    },
  };
}
