import { createRequire, Module } from 'node:module';

/** A message as kafkajs' producer holds it between `send` and encoding. */
interface ProducedMessage {
  readonly key?: Buffer | string | null;
  readonly value: Buffer | string | null;
  readonly partition?: number;
  readonly headers?: Readonly<Record<string, Buffer | string | null | readonly (Buffer | string)[] | undefined>>;
}

/** kafkajs' record arguments (recordBatch/record/v0): the message plus its place in the batch. */
export interface RecordArgs extends ProducedMessage {
  readonly offsetDelta?: number;
  readonly timestampDelta?: number;
}

/** What kafkajs' batch encoder reads from a record: the bytes in `buf`, the used part as `buffer`. */
export interface EncodedRecord {
  readonly buf: Buffer;
  readonly buffer: Buffer;
}

type Partitioner = (args: { topic: string; partitionMetadata: unknown[]; message: ProducedMessage }) => number;

interface GroupArgs {
  readonly topic: string;
  readonly partitionMetadata: unknown[];
  readonly messages: readonly ProducedMessage[];
  readonly partitioner: Partitioner;
}

/** Marks the functions below once they are in kafkajs' module cache, so a second evaluation of this module (a test runner re-importing it) keeps the first. */
const SEEDED = Symbol.for('fleetlake.kafkajs-produce-path');

/**
 * kafkajs' own version copies the partition's array for every message
 * (`[...current, message]`): quadratic in a request's messages, 12 % of the
 * generator's CPU at 500 messages a request. Same result, one push each.
 */
export function groupMessagesPerPartition({ topic, partitionMetadata, messages, partitioner }: GroupArgs): Record<number, ProducedMessage[]> {
  const groups: Record<number, ProducedMessage[]> = {};
  if (partitionMetadata.length === 0) return groups;
  for (const message of messages) (groups[partitioner({ topic, partitionMetadata, message })] ??= []).push(message);
  return groups;
}

/**
 * One record of a v2 record batch (Kafka's DefaultRecord): length, attributes,
 * timestamp delta, offset delta, key, value and headers, the integers as
 * zigzag varints. kafkajs builds each record in a zero-filled 512-byte buffer
 * and each varint in a buffer of its own (a third of its per-message CPU);
 * this sizes the record first and writes it into one buffer.
 */
export function encodeRecord({ offsetDelta = 0, timestampDelta = 0, key, value, headers }: RecordArgs): EncodedRecord {
  const keyLength = lengthOf(key);
  const valueLength = lengthOf(value);
  const headerPairs: [string, number, Bytes, number][] = [];
  for (const [name, values] of Object.entries(headers ?? {})) {
    for (const v of Array.isArray(values) ? values : [values]) headerPairs.push([name, lengthOf(name), v as Bytes, lengthOf(v as Bytes)]);
  }
  let bodySize = 1 + varintSize(zigzag(timestampDelta)) + varintSize(zigzag(offsetDelta)) + bytesSize(keyLength) + bytesSize(valueLength) + varintSize(zigzag(headerPairs.length));
  for (const [, nameLength, , vLength] of headerPairs) bodySize += bytesSize(nameLength) + bytesSize(vLength);

  const buf = Buffer.allocUnsafe(varintSize(zigzag(bodySize)) + bodySize);
  let at = writeVarint(buf, 0, zigzag(bodySize));
  buf[at++] = 0; // attributes: none are defined for records
  at = writeVarint(buf, at, zigzag(timestampDelta));
  at = writeVarint(buf, at, zigzag(offsetDelta));
  at = writeBytes(buf, at, key, keyLength);
  at = writeBytes(buf, at, value, valueLength);
  at = writeVarint(buf, at, zigzag(headerPairs.length));
  for (const [name, nameLength, v, vLength] of headerPairs) at = writeBytes(buf, writeBytes(buf, at, name, nameLength), v, vLength);
  return { buf, buffer: buf };
}

/** A key, value or header as kafkajs takes it: raw bytes, text (written as UTF-8), or absent. */
type Bytes = Buffer | string | null | undefined;

/** Zigzag of an integer up to 2^52 in magnitude, as a non-negative double (timestamp deltas exceed 32 bits). */
function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

function varintSize(unsigned: number): number {
  let size = 1;
  while (unsigned >= 128) {
    unsigned = Math.floor(unsigned / 128);
    size++;
  }
  return size;
}

function writeVarint(buf: Buffer, at: number, unsigned: number): number {
  while (unsigned >= 128) {
    buf[at++] = (unsigned % 128) | 128;
    unsigned = Math.floor(unsigned / 128);
  }
  buf[at++] = unsigned;
  return at;
}

/** Bytes on the wire; an absent one is length -1. kafkajs writes anything that is not a Buffer as its string form; so does this. */
function lengthOf(bytes: Bytes): number {
  if (bytes == null) return -1;
  return Buffer.isBuffer(bytes) ? bytes.length : Buffer.byteLength(String(bytes));
}

/** Length as a varint, then the bytes (none for length -1). */
function bytesSize(length: number): number {
  return varintSize(zigzag(length)) + Math.max(length, 0);
}

// Text is written straight into the record: a Buffer per string would cost as much as the rest of the record.
function writeBytes(buf: Buffer, at: number, bytes: Bytes, length: number): number {
  at = writeVarint(buf, at, zigzag(length));
  if (bytes == null) return at;
  if (Buffer.isBuffer(bytes)) bytes.copy(buf, at);
  else buf.write(String(bytes), at, length, 'utf8');
  return at + length;
}

/** kafkajs' modules replaced, by the path kafkajs requires them from. */
const REPLACEMENTS: Record<string, (...args: never[]) => unknown> = {
  'kafkajs/src/producer/groupMessagesPerPartition.js': groupMessagesPerPartition,
  'kafkajs/src/protocol/recordBatch/record/v0/index.js': encodeRecord,
};

/**
 * kafkajs binds these modules when it loads (the grouping) or at its first
 * produce request (the record encoder), so they are put in Node's module cache
 * before that: core/kafkajs.ts imports this module first, and lint keeps every
 * other import of kafkajs behind core/kafkajs.ts.
 */
function seedKafkajsModuleCache(): void {
  const require = createRequire(import.meta.url);
  for (const [request, replacement] of Object.entries(REPLACEMENTS)) {
    const path = require.resolve(request);
    const cached = require.cache[path];
    if (cached && (cached.exports as { [SEEDED]?: true })[SEEDED]) continue;
    if (cached) throw new Error(`kafkajs loaded ${request} before core/kafkajs-produce-path.ts could replace it: import kafkajs through core/kafkajs.ts only`);
    const module = new Module(path);
    module.filename = path;
    module.loaded = true;
    module.exports = Object.assign(replacement, { [SEEDED]: true });
    require.cache[path] = module;
  }
}

seedKafkajsModuleCache();
