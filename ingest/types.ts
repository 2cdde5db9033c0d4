import type { PositionCheck, RejectReason, TimeBounds } from '../core/position.ts';

export type SourceKind = 'kafka' | 'file' | 'inprocess';

/** One ordered partition of a source: the unit of batching, journaling and commits. */
export interface StreamRef {
  /** Shown in logs and stored in fleet.ingest_rejects.topic (a file source puts the file path here). */
  readonly topic: string;
  readonly partition: number;
  /**
   * Identity of the stream's data, the prefix of every dedup token and journal
   * row: `topic:partition` for Kafka, `file:<sha256>` for a file. It must name
   * the same bytes across restarts, or deduplication would drop new data.
   */
  readonly id: string;
}

/** A message as a source hands it over: the offset travels with the data. */
export interface SourceMessage {
  readonly stream: StreamRef;
  readonly offset: number;
  readonly key: string | null;
  readonly value: Buffer | string;
  /** Payload size in bytes (characters for text sources), for the bytes limit of a batch. */
  readonly size: number;
}

/** Turns a raw payload into a position or a reason to refuse it; never throws. */
export type Decode = (raw: Buffer | string, bounds: TimeBounds) => PositionCheck;

/** A refused message, on its way to fleet.ingest_rejects and the dead-letter topic. */
export interface Reject {
  readonly stream: StreamRef;
  readonly offset: number;
  readonly key: string | null;
  readonly payload: Buffer | string;
  readonly reason: RejectReason;
  readonly detail: string;
}

/** What a source keeps back because the core refused it. */
export interface SourceHold {
  /** Streams (Kafka partitions) the source stopped reading until the core has room. */
  readonly pausedStreams: number;
  /** Messages read from the source but not yet handed to the core. */
  readonly messages: number;
  /** Streams stopped for good at a batch the source cannot decode (until a restart with a client that can). */
  readonly stoppedStreams?: number;
}

/** How far back-pressure reaches right now, for /metrics and fleet.ingest_metrics. */
export interface BackPressure {
  /** Messages held in memory and not yet committed: in the core (lanes and batches being written) and in the source. */
  readonly bufferedMessages: number;
  readonly pausedStreams: number;
  readonly stoppedStreams: number;
}

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly lag: number;
}

/** What the ingest core offers a source. Every method returns at once. */
export interface SourceSink {
  /** True once ingest gave up (its stop deadline passed, or a fatal failure): deliver nothing more. */
  readonly halted: boolean;
  /** Offers one message; false means the stream's buffer is full: keep the message, pause the stream and wait for `writable`. */
  submit(message: SourceMessage): boolean;
  /** Resolves when `stream` has room again, when it was reset, or when ingest halted. */
  writable(stream: StreamRef): Promise<void>;
  /**
   * Forgets every buffered message of every stream; batches in flight finish
   * their (idempotent) inserts but no longer commit. A Kafka source calls it on
   * a rebalance, after which the broker re-delivers from the committed offsets.
   */
  reset(): void;
}

/**
 * Where messages come from. The core depends on this interface only, so Kafka,
 * a file and an in-process producer go through the same validation, batching,
 * insert and commit path.
 */
export interface IngestSource {
  readonly kind: SourceKind;
  /**
   * True when messages not yet committed come back after a restart (Kafka, a
   * file): batch ranges are then journaled so that a replay cuts the same
   * batches and their dedup tokens match.
   */
  readonly replayable: boolean;
  readonly decode: Decode;
  /**
   * Delivers messages into `sink` until the source ends or `signal` asks it to
   * stop, then resolves. A replayable source stops at once (the rest stays in
   * the broker or the file); one that cannot replay first hands over what it
   * already accepted, until `sink.halted`. Rejects on an unrecoverable failure.
   */
  run(sink: SourceSink, signal: AbortSignal): Promise<void>;
  /** Makes `nextOffset` the resume point of `stream`. Called in offset order, only after ClickHouse acknowledged everything before it. */
  commit(stream: StreamRef, nextOffset: number): Promise<void>;
  /** Publishes refused messages (the Kafka source writes the dead-letter topic). */
  deadLetter?(rejects: readonly Reject[]): Promise<void>;
  /** Messages between the committed offset and the end, per stream this process owns. */
  lag?(): Promise<readonly PartitionLag[]>;
  /** What the source holds back right now (paused streams, messages read and not yet submitted). */
  held?(): SourceHold;
  /** Releases connections (a Kafka consumer leaves its group). Called once, after the last commit. */
  close(): Promise<void>;
}
