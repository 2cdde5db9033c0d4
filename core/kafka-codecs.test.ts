import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compressSync as snappyRaw } from 'snappy';
import { lz4Codec, snappyCodec, zstdCodec } from './kafka-codecs.ts';

// Record bytes as Kafka batches carry them: repetitive JSON, plus incompressible noise, across several 32 KiB blocks.
const positions = Buffer.from(
  Array.from({ length: 2000 }, (_, i) => `{"vehicle_id":"v-${String(i % 300).padStart(5, '0')}","ts":"2026-11-23T10:00:05.000Z","lat":45.5${i},"lon":-73.5${i}}`).join(''),
);
const samples = { empty: Buffer.alloc(0), positions, noise: randomBytes(100_000) };

describe.each([
  ['snappy', snappyCodec],
  ['lz4', lz4Codec],
  ['zstd', zstdCodec],
])('%s codec', (_name, codec) => {
  it.each(Object.entries(samples))('gives back %s bytes exactly', async (_sample, bytes) => {
    expect(await codec.decompress(await codec.compress({ buffer: bytes }))).toEqual(bytes);
  });

  it('shrinks position JSON', async () => {
    expect((await codec.compress({ buffer: positions })).length).toBeLessThan(positions.length / 3);
  });
});

describe('snappy framing', () => {
  it('writes the Java client framing: magic, version 1, compatible 1, then length-prefixed blocks of at most 32 KiB', async () => {
    const framed = await snappyCodec.compress({ buffer: positions });
    expect([...framed.subarray(0, 16)]).toEqual([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);
    const blocks: number[] = [];
    for (let at = 16; at < framed.length; at += 4 + framed.readInt32BE(at)) blocks.push(framed.readInt32BE(at));
    expect(blocks.length).toBe(Math.ceil(positions.length / 32_768));
  });

  it('reads a single raw block, as librdkafka producers (kcat) send it', async () => {
    expect(await snappyCodec.decompress(snappyRaw(positions))).toEqual(positions);
  });

  it('names where a framed batch is cut off', async () => {
    const framed = await snappyCodec.compress({ buffer: positions });
    await expect(snappyCodec.decompress(framed.subarray(0, 100))).rejects.toThrow(/runs past the 100 bytes of the batch/);
  });
});

describe('undecodable bytes', () => {
  it.each([
    ['lz4', lz4Codec],
    ['zstd', zstdCodec],
  ])('%s rejects gzip bytes instead of returning garbage', async (_name, codec) => {
    await expect(codec.decompress(gzipSync(positions))).rejects.toThrow();
  });
});
