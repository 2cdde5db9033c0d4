import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { encodeRecord, groupMessagesPerPartition } from './kafkajs-produce-path.ts';
import './kafkajs.ts';

const require = createRequire(import.meta.url);
const hex = (b: Buffer) => b.toString('hex').replace(/(..)/g, '$1 ').trim();

describe('encodeRecord: Kafka record v2 bytes, hand-computed from the protocol', () => {
  it('a plain record: length 8, no attributes, zero deltas, key and value of one byte, no headers', () => {
    expect(hex(encodeRecord({ key: 'k', value: 'v' }).buffer)).toBe('10 00 00 00 02 6b 02 76 00');
  });

  it('a null key is length -1 (zigzag 1); negative and positive deltas are zigzagged', () => {
    expect(hex(encodeRecord({ key: null, value: 'ab', offsetDelta: 1, timestampDelta: -1 }).buffer)).toBe('10 00 01 02 01 04 61 62 00');
  });

  it('multi-byte varints, a 2^40 ms timestamp delta, raw key bytes, an empty value, repeated and null headers', () => {
    const record = encodeRecord({
      key: Buffer.from([0xff]),
      value: '',
      offsetDelta: 300,
      timestampDelta: 2 ** 40,
      headers: { reason: 'x', multi: ['a', 'b'], gone: null },
    });
    const expected = [
      '58', // body 44 bytes, zigzag 88
      '00',
      '80 80 80 80 80 40', // zigzag(2^40) = 2^41: five empty groups of 7 bits, then 2^6
      'd8 04', // zigzag(300) = 600 = 88 + 4 × 128
      '02 ff',
      '00',
      '08', // 4 header entries (multi counts twice), zigzag 8
      '0c 72 65 61 73 6f 6e 02 78', // reason: x
      '0a 6d 75 6c 74 69 02 61', // multi: a
      '0a 6d 75 6c 74 69 02 62', // multi: b
      '08 67 6f 6e 65 01', // gone: null
    ].join(' ');
    expect(hex(record.buffer)).toBe(expected);
  });

  it('counts UTF-8 bytes, not characters', () => {
    expect(hex(encodeRecord({ key: 'é', value: null }).buffer)).toBe('10 00 00 00 04 c3 a9 01 00');
  });

  it("reads back through kafkajs' own batch decoder: keys, values, offsets, timestamps and headers", async () => {
    const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as { RecordBatch: (args: object) => Promise<{ buffer: Buffer }> };
    const Decoder = require('kafkajs/src/protocol/decoder.js') as new (b: Buffer) => unknown;
    const decodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (d: unknown) => Promise<{ records: DecodedRecord[] }>;
    interface DecodedRecord {
      key: Buffer | null;
      value: Buffer | null;
      offset: string;
      timestamp: string;
      headers: Record<string, Buffer | Buffer[] | null>;
    }
    const firstTimestamp = Date.UTC(2026, 10, 23, 10);
    const messages = Array.from({ length: 300 }, (_, i) => ({
      key: i % 7 === 0 ? null : `v-${String(i).padStart(5, '0')}`,
      value: JSON.stringify({ vehicle_id: `v-${i}`, note: 'ü'.repeat(i % 50) }),
      offsetDelta: i,
      timestampDelta: i * 1_000 - 150_000,
      headers: i % 3 === 0 ? { reason: `r${i}`, twice: ['a', `b${i}`] } : {},
    }));
    const batch = await RecordBatch({ records: messages.map(encodeRecord), firstTimestamp, maxTimestamp: firstTimestamp + 150_000 });
    const { records } = await decodeBatch(new Decoder(batch.buffer));
    expect(records.map((r) => [r.key?.toString() ?? null, r.value?.toString(), r.offset, r.timestamp])).toEqual(
      messages.map((m) => [m.key, m.value, String(m.offsetDelta), String(firstTimestamp + m.timestampDelta)]),
    );
    const headers = records.map((r) => Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : String(v)])));
    expect(headers).toEqual(messages.map((m) => m.headers));
  });
});

describe('groupMessagesPerPartition', () => {
  const partitionMetadata = [{}, {}, {}];
  const partitioner = ({ message }: { message: { key?: unknown } }) => Number(String(message.key).slice(-1)) % 3;

  it('groups by the partitioner, keeping the messages in order within each partition', () => {
    const messages = ['k1', 'k2', 'k4', 'k3', 'k7', 'k5'].map((key) => ({ key, value: key }));
    const groups = groupMessagesPerPartition({ topic: 't', partitionMetadata, messages, partitioner });
    expect(Object.fromEntries(Object.entries(groups).map(([p, ms]) => [p, ms.map((m) => m.key)]))).toEqual({ 0: ['k3'], 1: ['k1', 'k4', 'k7'], 2: ['k2', 'k5'] });
  });

  it('has nothing to group into without partition metadata', () => {
    expect(groupMessagesPerPartition({ topic: 't', partitionMetadata: [], messages: [{ key: 'k1', value: 'v' }], partitioner })).toEqual({});
  });
});

it('kafkajs, loaded through core/kafkajs.ts, resolves its grouping and record modules to these', () => {
  const seeded = (path: string) => (require(path) as { [k: symbol]: unknown })[Symbol.for('fleetlake.kafkajs-produce-path')];
  expect(seeded('kafkajs/src/producer/groupMessagesPerPartition.js')).toBe(true);
  expect(seeded('kafkajs/src/protocol/recordBatch/record/v0/index.js')).toBe(true);
});
