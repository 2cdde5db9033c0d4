import { Readable } from 'node:stream';
import type { ClickHouseClient } from '../core/clickhouse.ts';
import type { FleetlakeConfig } from '../core/config.ts';
import { errorMessage } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { TABLES } from '../core/names.ts';
import { stringLiteral } from '../core/sql-text.ts';
import { createKafkaSource, kafkaSourceOptions } from '../ingest/sources/kafka.ts';
import type { IngestSource, SourceMessage, SourceSink, StreamRef } from '../ingest/types.ts';
import { ONE_NODE, writeConsistency, type WriteConsistency } from '../ingest/write-consistency.ts';
import { decodeFrameRecord, type FrameRecord } from './frame-record.ts';
import { FRAME_COLUMNS, frameRowTsv } from './frame-table.ts';

export interface FrameArchiverOptions {
  /** The frames topic, read through ingest's Kafka source (the project's one consumer setup). */
  readonly source: IngestSource;
  readonly client: ClickHouseClient;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** What the inserts add on a ClickHouse cluster (ingest's own: through Distributed in the foreground, so the token reaches every shard). */
  readonly consistency?: WriteConsistency;
  /** Frames per insert at most (default 5,000). */
  readonly batchRows?: number;
  /** Longest a frame waits for its insert (default 1 s). */
  readonly maxWaitMs?: number;
  /** Called after each committed insert with the frames stored so far (tests follow progress with it). */
  readonly onInsert?: (frames: number) => void;
}

/**
 * Copies the frames topic into fleet.device_frames: per partition, a batch of
 * messages is one insert whose deduplication token is its offset range, and
 * the offsets are committed only after ClickHouse acknowledged it. A restart
 * reads again from the committed offsets; a batch cut the same way is dropped
 * by ClickHouse as a repeat, one cut differently is stored again (at least
 * once: the archive may hold a frame twice, never lose one). Messages that are
 * not frame records are skipped and logged. A failed insert stops the
 * archiver (the source sees `halted`); its frames stay in the topic.
 */
export async function runFrameArchiver(options: FrameArchiverOptions): Promise<number> {
  const { source, client, logger } = options;
  const batchRows = options.batchRows ?? 5000;
  const maxWaitMs = options.maxWaitMs ?? 1000;
  const consistency = options.consistency ?? ONE_NODE;
  const lanes = new Map<string, { stream: StreamRef; messages: SourceMessage[] }>();
  let room: (() => void) | undefined;
  let stored = 0;
  let failure: unknown;

  const sink: SourceSink = {
    get halted() {
      return failure !== undefined;
    },
    submit(message) {
      const lane = lanes.get(message.stream.id) ?? { stream: message.stream, messages: [] };
      if (lane.messages.length >= batchRows * 2) return false;
      lane.messages.push(message);
      lanes.set(message.stream.id, lane);
      return true;
    },
    writable: () => new Promise<void>((resolve) => (room = resolve)),
    reset: () => lanes.clear(),
  };

  const flush = async () => {
    for (const lane of [...lanes.values()]) {
      const batch = lane.messages.splice(0, batchRows);
      if (batch.length === 0) continue;
      const first = batch[0]!.offset;
      const last = batch[batch.length - 1]!.offset;
      const records: FrameRecord[] = [];
      for (const m of batch) {
        const record = decodeFrameRecord(typeof m.value === 'string' ? m.value : m.value.toString('utf8'));
        if (record) records.push(record);
        else logger.warn({ stream: lane.stream.id, offset: m.offset }, 'not a frame record: skipped');
      }
      if (records.length > 0) {
        const result = await client.exec({
          query: `INSERT INTO ${TABLES.deviceFrames} (${FRAME_COLUMNS.join(', ')}) SETTINGS insert_deduplicate = 1, async_insert = 0, insert_deduplication_token = ${stringLiteral(`frames:${lane.stream.id}:${first}-${last}`)}${consistency.batchInsertSettings} FORMAT TabSeparated`,
          values: Readable.from([records.map(frameRowTsv).join('')]),
        });
        result.stream.destroy();
      }
      await source.commit(lane.stream, last + 1);
      stored += records.length;
      options.onInsert?.(stored);
    }
    room?.();
  };

  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= flush()
      .catch((err: unknown) => {
        failure = err;
        logger.error({ err: errorMessage(err) }, 'archiving frames failed: the gateway keeps publishing, the archive stops until a restart');
      })
      .finally(() => (running = undefined));
  }, maxWaitMs);
  try {
    // What is not committed when the source stops is read again by the next run.
    await source.run(sink, options.signal);
    await running;
    if (failure !== undefined) throw failure;
    return stored;
  } finally {
    clearInterval(timer);
  }
}

/**
 * The archiver of a process that publishes to Kafka (`fleetlake gateway`,
 * `fleetlake start` with a broker): the frames topic into fleet.device_frames
 * in consumer group gateway.archive_group, until `signal`. Undefined when the
 * group is empty (archiving turned off). It never rejects: a failure is
 * logged, and the frames wait on the topic for the next run.
 */
export function archiveFramesTopic(config: FleetlakeConfig, client: ClickHouseClient, logger: Logger, signal: AbortSignal): Promise<void> | undefined {
  const group = config.gateway.archive_group;
  if (!group) return undefined;
  return runFrameArchiver({
    source: createKafkaSource({ ...kafkaSourceOptions(config, logger), topic: config.gateway.frames_topic, groupId: group }),
    client,
    consistency: writeConsistency(config.clickhouse.cluster),
    logger: logger.child({ stage: 'archive' }),
    signal,
  }).then(
    () => undefined,
    (err: unknown) => logger.error({ err }, 'the frame archiver stopped; frames stay on the topic'),
  );
}
