import { promisify } from 'node:util';
import { gzip, unzip, zstdCompress, zstdDecompress } from 'node:zlib';
import { CompressionTypes, kafkajs } from './kafkajs.ts';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import { compressSync as snappyCompress, uncompressSync as snappyUncompress } from 'snappy';

/** The compressions a producer may choose; every one of them is also read by every consumer. */
export const KAFKA_COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type KafkaCompression = (typeof KAFKA_COMPRESSIONS)[number];

const COMPRESSION_TYPES: Record<KafkaCompression, CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

export function compressionType(name: KafkaCompression): CompressionTypes {
  return COMPRESSION_TYPES[name];
}

/** kafkajs' codec shape: it hands compress its encoder and decompress the batch's record bytes. */
interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

const gzipAsync = promisify(gzip);
const unzipAsync = promisify(unzip);

/** kafkajs' own gzip, written out so that every codec is measured (bench:codecs) and reported the same way. */
export const gzipCodec: Codec = {
  compress: ({ buffer }) => gzipAsync(buffer),
  decompress: (buffer) => unzipAsync(buffer),
};

/**
 * Java producers (and Redpanda's) frame snappy the way snappy-java's stream does: a magic header, then
 * length-prefixed raw blocks. librdkafka and others send one raw block. Both are read; the Java framing
 * is written, since every client reads it.
 */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;
const XERIAL_VERSION = 1;
const XERIAL_MIN_COMPATIBLE = 1;
const XERIAL_BLOCK_BYTES = 32 * 1024;

export const snappyCodec: Codec = {
  async compress({ buffer }) {
    const header = Buffer.alloc(XERIAL_HEADER_BYTES);
    XERIAL_MAGIC.copy(header);
    header.writeInt32BE(XERIAL_VERSION, 8);
    header.writeInt32BE(XERIAL_MIN_COMPATIBLE, 12);
    const parts: Buffer[] = [header];
    for (let at = 0; at < buffer.length; at += XERIAL_BLOCK_BYTES) {
      const block = snappyCompress(buffer.subarray(at, at + XERIAL_BLOCK_BYTES));
      const length = Buffer.alloc(4);
      length.writeInt32BE(block.length);
      parts.push(length, block);
    }
    return Buffer.concat(parts);
  },
  async decompress(buffer) {
    if (!isXerialFramed(buffer)) return asBuffer(snappyUncompress(buffer));
    const blocks: Buffer[] = [];
    let at = XERIAL_HEADER_BYTES;
    while (at < buffer.length) {
      if (at + 4 > buffer.length) throw new Error(`snappy: block length cut off at byte ${at} of ${buffer.length}`);
      const length = buffer.readInt32BE(at);
      const end = at + 4 + length;
      if (length < 0 || end > buffer.length) throw new Error(`snappy: block of ${length} bytes at byte ${at} runs past the ${buffer.length} bytes of the batch`);
      blocks.push(asBuffer(snappyUncompress(buffer.subarray(at + 4, end))));
      at = end;
    }
    return Buffer.concat(blocks);
  },
};

function isXerialFramed(buffer: Buffer): boolean {
  return buffer.length >= XERIAL_HEADER_BYTES && buffer.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC);
}

function asBuffer(value: string | Buffer): Buffer {
  return typeof value === 'string' ? Buffer.from(value) : value;
}

/**
 * Kafka's LZ4 (record batch v2) is the standard LZ4 frame format. On this
 * thread, not lz4-napi's async pool: a record batch is small and the hop to
 * the pool costs more than the work (a 2 KB batch: 25-30 µs of CPU async,
 * 2-4 µs here; 200 KB: 95 µs against 43 µs), and a produce request holds one
 * batch per partition.
 */
export const lz4Codec: Codec = {
  compress: async ({ buffer }) => compressFrameSync(buffer),
  decompress: async (buffer) => decompressFrameSync(buffer),
};

const zstdCompressAsync = promisify(zstdCompress);
const zstdDecompressAsync = promisify(zstdDecompress);

/** Node's own zlib has zstd since 22.15, so no native package is needed for it. */
export const zstdCodec: Codec = {
  compress: ({ buffer }) => zstdCompressAsync(buffer),
  decompress: (buffer) => zstdDecompressAsync(buffer),
};

/**
 * A batch the codec cannot decompress is data the broker accepted and this
 * client cannot read, not a broker outage: the error says which codec and why,
 * and core/failures.ts classifies it as permanent.
 */
export class UndecodableBatchError extends Error {
  readonly codec: string;
  constructor(codec: string, cause: unknown) {
    super(`a ${codec} record batch could not be decompressed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'KafkaJSUndecodableBatch';
    this.codec = codec;
  }
}

function reportingFailures(name: string, codec: Codec): Codec {
  return {
    compress: codec.compress,
    async decompress(buffer) {
      try {
        return await codec.decompress(buffer);
      } catch (err) {
        throw new UndecodableBatchError(name, err);
      }
    },
  };
}

let registered = false;

/** Teaches kafkajs (which ships gzip only) snappy, lz4 and zstd, in both directions. Idempotent. */
export function registerKafkaCodecs(): void {
  if (registered) return;
  // Not a named export Node's CommonJS interop can see, unlike the rest of kafkajs' API.
  const codecs = kafkajs.CompressionCodecs as Record<number, () => Codec>;
  codecs[CompressionTypes.GZIP] = () => reportingFailures('gzip', gzipCodec);
  codecs[CompressionTypes.Snappy] = () => reportingFailures('snappy', snappyCodec);
  codecs[CompressionTypes.LZ4] = () => reportingFailures('lz4', lz4Codec);
  codecs[CompressionTypes.ZSTD] = () => reportingFailures('zstd', zstdCodec);
  registered = true;
}
