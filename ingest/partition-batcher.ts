import type { SourceMessage, StreamRef } from './types.ts';

export interface BatchLimits {
  /** Messages that close a batch. */
  readonly rows: number;
  /** Payload bytes that close a batch (a single larger message still makes a batch of one). */
  readonly bytes: number;
  /** Longest the oldest buffered message waits before its batch is cut. */
  readonly maxWaitMs: number;
}

/** A range of one stream cut for one insert: `first`..`last` are the offsets it makes committable. */
export interface CutBatch {
  readonly stream: StreamRef;
  readonly first: number;
  readonly last: number;
  readonly messages: readonly SourceMessage[];
  readonly bytes: number;
  /** Set when the range was taken from the journal: the validation time the first cut of this range used. */
  readonly adoptedRefMs?: number;
}

/** A range that must be cut exactly as an earlier run (or another process) cut it. */
export interface AdoptedRange {
  readonly last: number;
  readonly refMs: number;
}

/**
 * Accumulates one stream's messages and decides where batches end: by rows,
 * by bytes, by the age of the oldest message, or exactly at an adopted range.
 * Pure bookkeeping: never blocks, never does I/O, time comes in as `now`.
 */
export interface PartitionBatcher {
  /** Buffers a message; false when the buffer holds two batches' worth already (back-pressure). */
  submit(message: SourceMessage, now: number): boolean;
  /** The next batch if one is due at `now` (or, with `flush`, whatever is buffered), else undefined. */
  poll(now: number, flush?: boolean): CutBatch | undefined;
  /** Puts a batch's messages back in front; with `adopted`, the next cut ends exactly at `adopted.last`. */
  restore(messages: readonly SourceMessage[], arrivedAt: number, adopted?: AdoptedRange): void;
  /** When a time-based cut becomes due, if anything is buffered. */
  deadline(): number | undefined;
  /** True when `submit` would accept another message. */
  hasRoom(): boolean;
  readonly buffered: number;
}

export function createPartitionBatcher(stream: StreamRef, limits: BatchLimits): PartitionBatcher {
  let messages: SourceMessage[] = [];
  let arrivals: number[] = [];
  let bytes = 0;
  let adopted: AdoptedRange | undefined;

  const hasRoom = () => {
    // An adopted range must be completed whatever the limits are now, or the replay could never cut it.
    if (adopted && (messages.length === 0 || messages[messages.length - 1]!.offset < adopted.last)) return true;
    return messages.length < 2 * limits.rows && bytes < 2 * limits.bytes;
  };

  const take = (count: number, adoptedRefMs?: number): CutBatch => {
    const taken = messages.slice(0, count);
    messages = messages.slice(count);
    arrivals = arrivals.slice(count);
    let takenBytes = 0;
    for (const m of taken) takenBytes += m.size;
    bytes -= takenBytes;
    const batch = { stream, first: taken[0]!.offset, last: taken[taken.length - 1]!.offset, messages: taken, bytes: takenBytes };
    return adoptedRefMs === undefined ? batch : { ...batch, adoptedRefMs };
  };

  /** How many leading messages make a full batch, if the buffer holds one (checked in O(1) until it does). */
  const fullCount = (): number | undefined => {
    if (messages.length < limits.rows && bytes < limits.bytes) return undefined;
    let size = 0;
    const max = Math.min(messages.length, limits.rows);
    for (let i = 0; i < max; i++) {
      size += messages[i]!.size;
      if (size >= limits.bytes) return size > limits.bytes && i > 0 ? i : i + 1;
    }
    return max;
  };

  return {
    submit(message, now) {
      if (messages.length > 0 && !hasRoom()) return false;
      messages.push(message);
      arrivals.push(now);
      bytes += message.size;
      return true;
    },

    poll(now, flush = false) {
      if (messages.length === 0) return undefined;
      if (adopted) {
        const { last, refMs } = adopted;
        if (messages[messages.length - 1]!.offset < last) return undefined;
        let count = 0;
        while (count < messages.length && messages[count]!.offset <= last) count++;
        adopted = undefined;
        return take(count, refMs);
      }
      const full = fullCount();
      if (full !== undefined) return take(full);
      if (flush || now - arrivals[0]! >= limits.maxWaitMs) return take(messages.length);
      return undefined;
    },

    restore(back, arrivedAt, range) {
      messages = [...back, ...messages];
      arrivals = [...back.map(() => arrivedAt), ...arrivals];
      for (const m of back) bytes += m.size;
      adopted = range;
    },

    deadline() {
      if (messages.length === 0 || adopted) return undefined;
      return arrivals[0]! + limits.maxWaitMs;
    },

    hasRoom,

    get buffered() {
      return messages.length;
    },
  };
}
