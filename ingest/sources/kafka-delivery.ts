import type { EachBatchPayload, KafkaMessage } from '../../core/kafkajs.ts';
import type { SourceHold, SourceMessage, SourceSink, StreamRef } from '../types.ts';

export interface BatchDelivery {
  /** The kafkajs `eachBatch` handler. Returns at once: it never waits for the core. */
  eachBatch(payload: EachBatchPayload): Promise<void>;
  /** Drops every held message (a rebalance: kafkajs fetches again from the committed offsets). */
  reset(): void;
  /** Partitions paused right now and the messages held for them. */
  held(): SourceHold;
}

/** One refused fetch waiting for room: its partition stays paused meanwhile. */
interface Hold {
  readonly partition: number;
  left: number;
}

/**
 * Hands kafkajs batches to the core. What the core refuses (its lane is full)
 * is held here while the partition is paused, and handed over first once the
 * lane has room; then fetching resumes. Holding, rather than re-fetching from
 * the refused offset, spares the broker and the decompression a second read.
 * At most one fetch per partition is held, so memory stays bounded.
 */
export function createBatchDelivery(topic: string, sink: SourceSink, stopping: () => boolean): BatchDelivery {
  const streams = new Map<number, StreamRef>();
  const holds = new Set<Hold>();
  let generation = 0;

  const streamOf = (partition: number): StreamRef => {
    let stream = streams.get(partition);
    if (!stream) {
      stream = { topic, partition, id: `${topic}:${partition}` };
      streams.set(partition, stream);
    }
    return stream;
  };
  const toMessage = (stream: StreamRef, m: KafkaMessage): SourceMessage => {
    const value = m.value ?? Buffer.alloc(0);
    return { stream, offset: Number(m.offset), key: m.key ? m.key.toString() : null, value, size: value.length };
  };
  /** Submits from `index` on and returns the index of the first refused message (the length when all were taken). */
  const submitFrom = (messages: readonly SourceMessage[], index: number): number => {
    while (index < messages.length && sink.submit(messages[index]!)) index += 1;
    return index;
  };

  const holdUntilWritable = async (stream: StreamRef, held: readonly SourceMessage[], from: number, resume: () => void, heldIn: number) => {
    const hold: Hold = { partition: stream.partition, left: held.length - from };
    holds.add(hold);
    let index = from;
    while (index < held.length) {
      await sink.writable(stream);
      if (heldIn !== generation || stopping() || sink.halted) break;
      index = submitFrom(held, index);
      hold.left = held.length - index;
    }
    holds.delete(hold);
    if (!stopping()) resume();
  };

  return {
    async eachBatch({ batch, resolveOffset, pause, isRunning, isStale }) {
      if (stopping() || !isRunning() || isStale() || batch.messages.length === 0) return;
      const stream = streamOf(batch.partition);
      const messages = batch.messages.map((m) => toMessage(stream, m));
      const refusedAt = submitFrom(messages, 0);
      // Every message is now in the core or held here, so the fetch position moves past the batch; commits stay explicit.
      resolveOffset(batch.messages[batch.messages.length - 1]!.offset);
      if (refusedAt < messages.length) void holdUntilWritable(stream, messages, refusedAt, pause(), generation);
    },
    reset() {
      generation += 1;
      holds.clear();
    },
    held() {
      let messages = 0;
      for (const hold of holds) messages += hold.left;
      return { pausedStreams: new Set([...holds].map((h) => h.partition)).size, messages };
    },
  };
}
