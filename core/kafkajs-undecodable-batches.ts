import { createRequire } from 'node:module';

/** A record batch the broker served and this client could not decode: where it sits, and why. */
export interface UndecodableBatch {
  readonly topic: string;
  readonly partition: number;
  /** First offset of the batch; everything from here on in the partition is unread. */
  readonly offset: string;
  /** The compression its attributes name (none, gzip, snappy, lz4, zstd, or the code of one unknown). */
  readonly codec: string;
  readonly error: Error;
}

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
/** Record batch v2: base offset (8 bytes), length (4), leader epoch (4), magic (1), CRC (4), then the attributes; the low 3 bits name the codec. */
const ATTRIBUTES_AT = 21;

type Listener = (batch: UndecodableBatch) => void;

/** kafkajs' internal decoder, as far as fetch responses use it. */
interface Decoder {
  offset: number;
  buffer: Buffer;
  readInt16(): number;
  readInt32(): number;
  readInt64(): { toString(): string };
  readInt8(): number;
  readString(): string;
  readBytes(size: number): Buffer;
  canReadBytes(size: number): boolean;
  readArray<T>(item: (d: Decoder) => T): T[];
  readArrayAsync<T>(item: (d: Decoder) => Promise<T>): Promise<T[]>;
}

const listeners = new Set<Listener>();
let applied = false;

/** Calls `listener` for every batch a fetch could not decode; returns the way to stop listening. */
export function onUndecodableBatch(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * kafkajs decodes a whole fetch response at once, so one batch it cannot
 * decompress (a codec it lacks, bytes its codec refuses) fails the fetch of
 * every partition: the consumer crashes and restarts for good, reported as the
 * broker being away. This replaces the decoding of Fetch v11 (what kafkajs
 * negotiates with Kafka 2.3+ and Redpanda) with the same fields read the same
 * way, except that such a batch ends only its own partition's records: those
 * before it are returned, and once it is the first of a fetch it is reported to
 * the listeners, which stop that partition. The other partitions go on. Fetch v11 is the newest kafkajs speaks;
 * older brokers keep kafkajs' own decoding.
 */
export function applyKafkajsUndecodableBatchIsolation(): void {
  if (applied) return;
  const require = createRequire(import.meta.url);
  const DecoderClass = require('kafkajs/src/protocol/decoder.js') as new (buffer: Buffer) => Decoder;
  const decodeRecordBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (d: Decoder) => Promise<{ records: unknown[] }>;
  const { MAGIC_BYTE } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as { MAGIC_BYTE: number };
  const decodeMessageSet = require('kafkajs/src/protocol/messageSet/decoder.js') as (d: Decoder, size: number) => Promise<unknown[]>;
  const fetchV11 = require('kafkajs/src/protocol/requests/fetch/v11/response.js') as { decode: (raw: Buffer) => Promise<unknown> };

  // The magic byte sits at the same place in every message format; a batch's fixed header is 49 bytes (kafkajs' own constants).
  const MAGIC_OFFSET = 16;
  const RECORD_BATCH_OVERHEAD = 49;

  async function decodeRecords(decoder: Decoder, topic: string, partition: number): Promise<unknown[]> {
    const size = decoder.readInt32();
    if (size <= 0 || !decoder.canReadBytes(size)) return [];
    const bytes = decoder.readBytes(size);
    const batches = new DecoderClass(bytes);
    if (bytes.subarray(MAGIC_OFFSET).readInt8(0) !== MAGIC_BYTE) return decodeMessageSet(batches, size);
    const records: unknown[] = [];
    while (batches.canReadBytes(RECORD_BATCH_OVERHEAD)) {
      const batchStart = batches.offset;
      try {
        records.push(...(await decodeRecordBatch(batches)).records);
      } catch (err) {
        // Fetches end in a partial batch by design (max bytes); kafkajs stops there too.
        if (err instanceof Error && err.name === 'KafkaJSPartialMessageError') break;
        // What came before it is handed over first; the next fetch starts at this batch, and reports it then.
        if (records.length > 0) break;
        const error = err instanceof Error ? err : new Error(String(err));
        const offset = bytes.readBigInt64BE(batchStart).toString();
        const code = batchStart + ATTRIBUTES_AT + 2 <= bytes.length ? bytes.readInt16BE(batchStart + ATTRIBUTES_AT) & 0x07 : -1;
        const codec = CODECS[code] ?? `codec ${code}`;
        for (const listener of listeners) listener({ topic, partition, offset, codec, error });
        return [];
      }
    }
    return records;
  }

  fetchV11.decode = async (raw: Buffer) => {
    const decoder = new DecoderClass(raw);
    const clientSideThrottleTime = decoder.readInt32();
    const errorCode = decoder.readInt16();
    const sessionId = decoder.readInt32();
    const responses = await decoder.readArrayAsync(async (topicDecoder) => {
      const topicName = topicDecoder.readString();
      const partitions = await topicDecoder.readArrayAsync(async (d) => {
        const partition = d.readInt32();
        return {
          partition,
          errorCode: d.readInt16(),
          highWatermark: d.readInt64().toString(),
          lastStableOffset: d.readInt64().toString(),
          lastStartOffset: d.readInt64().toString(),
          abortedTransactions: d.readArray((a) => ({ producerId: a.readInt64().toString(), firstOffset: a.readInt64().toString() })),
          preferredReadReplica: d.readInt32(),
          messages: await decodeRecords(d, topicName, partition),
        };
      });
      return { topicName, partitions };
    });
    // As kafkajs: the broker did not throttle this request itself; clientSideThrottleTime asks the client to.
    return { throttleTime: 0, clientSideThrottleTime, errorCode, sessionId, responses };
  };
  applied = true;
}
