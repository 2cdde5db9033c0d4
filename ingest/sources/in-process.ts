import { randomUUID } from 'node:crypto';
import { FleetlakeError } from '../../core/errors.ts';
import { scanPosition } from '../../core/position-scanner.ts';
import type { IngestSource, PartitionLag, SourceMessage, StreamRef } from '../types.ts';

export interface InProcessMessage {
  readonly key: string | null;
  readonly value: string | Buffer;
}

export interface InProcessSourceOptions {
  /** Messages held before `push` waits (default 100 000). */
  readonly capacity?: number;
  /** Streams the messages are spread over by key, so that batches are written in parallel (default 2). */
  readonly partitions?: number;
}

export interface InProcessSource extends IngestSource {
  /** Queues messages; resolves once they fit in the capacity, so a fast producer waits for ingest (back-pressure). */
  push(messages: readonly InProcessMessage[]): Promise<void>;
  /** No more messages: ingest finishes what it holds and `runIngest` returns. Aborting `runIngest`'s signal also hands over what is queued first. */
  end(): void;
}

/**
 * A bounded in-memory source for running ingest inside another process (the
 * all-in-one `fleetlake start`). Nothing survives the process, so there is no
 * journal; batches still carry dedup tokens (unique to this source instance)
 * so that a retried insert is not doubled.
 */
export function createInProcessSource(options: InProcessSourceOptions = {}): InProcessSource {
  const capacity = options.capacity ?? 100_000;
  const runId = randomUUID();
  const streams: StreamRef[] = Array.from({ length: options.partitions ?? 2 }, (_, partition) => ({
    topic: 'inprocess',
    partition,
    id: `inprocess:${runId}:${partition}`,
  }));
  const nextOffset = streams.map(() => 0);
  const committed = streams.map(() => 0);
  // A queue read from `head`, compacted now and then, so taking a message is O(1).
  let queue: InProcessMessage[] = [];
  let head = 0;
  let ended = false;
  let wakeRunner: (() => void) | undefined;
  /** The stream the runner waits on because the core refused its message. */
  let waitingOn: StreamRef | undefined;
  let roomWaiters: (() => void)[] = [];
  const queued = () => queue.length - head;

  const notifyRunner = () => {
    wakeRunner?.();
    wakeRunner = undefined;
  };
  const notifyRoom = () => {
    const waiters = roomWaiters;
    roomWaiters = [];
    for (const resolve of waiters) resolve();
  };

  return {
    kind: 'inprocess',
    replayable: false,
    decode: scanPosition,

    async push(messages) {
      if (ended) throw new FleetlakeError('INGEST_SOURCE_ENDED');
      // More messages than the capacity at once are taken whole once the queue is empty.
      while (queued() > 0 && queued() + messages.length > capacity) await new Promise<void>((resolve) => roomWaiters.push(resolve));
      for (const m of messages) queue.push(m);
      notifyRunner();
    },

    end() {
      ended = true;
      notifyRunner();
    },

    async run(sink, signal) {
      // Accepted messages exist nowhere else: a stop hands over what is queued (as `end` would) rather than dropping it.
      signal.addEventListener('abort', notifyRunner, { once: true });
      for (;;) {
        const m = queue[head];
        if (m === undefined) {
          if (ended || signal.aborted) return;
          await new Promise<void>((resolve) => (wakeRunner = resolve));
          continue;
        }
        const partition = streams.length === 1 ? 0 : hashKey(m.key) % streams.length;
        const stream = streams[partition]!;
        const message: SourceMessage = { stream, offset: nextOffset[partition]!, key: m.key, value: m.value, size: m.value.length };
        if (!sink.submit(message)) {
          if (sink.halted) return;
          waitingOn = stream;
          await sink.writable(stream);
          waitingOn = undefined;
          continue;
        }
        nextOffset[partition]! += 1;
        head += 1;
        if (head === queue.length || (head > 65_536 && head * 2 > queue.length)) {
          queue = queue.slice(head);
          head = 0;
        }
        if (roomWaiters.length > 0 && queued() <= capacity / 2) notifyRoom();
      }
    },

    async commit(stream, next) {
      committed[stream.partition] = next;
    },

    async lag(): Promise<PartitionLag[]> {
      return streams.map((s, i) => ({ topic: s.topic, partition: s.partition, lag: nextOffset[i]! - committed[i]! }));
    },

    held: () => ({ pausedStreams: waitingOn ? 1 : 0, messages: queued() }),

    close: async () => undefined,
  };
}

/** FNV-1a, so one vehicle's messages stay in one stream and keep their order. */
function hashKey(key: string | null): number {
  if (key === null) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
