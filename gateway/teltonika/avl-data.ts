import { ByteReader, ByteWriter } from '../byte-reader.ts';

/**
 * Teltonika AVL data (Codec 8 and 8 Extended): the part of a packet from the
 * codec id to the second record count, shared by the TCP and UDP framings.
 * Values are kept as sent (coordinates as 1e-7 degree integers, IO values
 * unsigned) so an encoded record decodes back to the same object.
 */
export const CODEC_8 = 0x08;
export const CODEC_8E = 0x8e;
export type AvlCodec = typeof CODEC_8 | typeof CODEC_8E;

export interface IoValue {
  readonly id: number;
  /** Unsigned value of 1, 2 or 4 bytes. */
  readonly value: number;
}
export interface IoValue8 {
  readonly id: number;
  readonly value: bigint;
}
/** Codec 8 Extended's variable-length group. */
export interface IoValueX {
  readonly id: number;
  readonly value: Buffer;
}

export interface IoElement {
  /** The IO id that triggered the record, 0 when it was a periodic one. */
  readonly eventId: number;
  readonly one: readonly IoValue[];
  readonly two: readonly IoValue[];
  readonly four: readonly IoValue[];
  readonly eight: readonly IoValue8[];
  /** Always empty under Codec 8. */
  readonly nx: readonly IoValueX[];
}

export interface AvlRecord {
  readonly timestampMs: number;
  readonly priority: number;
  /** Longitude × 1e7, two's complement. */
  readonly lonE7: number;
  readonly latE7: number;
  readonly altitudeM: number;
  /** Degrees from north as sent, 0..360. */
  readonly angleDeg: number;
  /** 0 means no fix: the device repeats its last fix. */
  readonly satellites: number;
  readonly speedKmh: number;
  readonly io: IoElement;
}

export interface AvlData {
  readonly codec: AvlCodec;
  readonly records: readonly AvlRecord[];
}

/** Thrown inside decodeAvlData only; the framers turn it into a `malformed` outcome. */
export class AvlInconsistent extends Error {}

/** Decodes codec id .. second count over [start, end). Throws OutOfBytes or AvlInconsistent (framers catch both). */
export function decodeAvlData(bytes: Buffer, start: number, end: number): AvlData {
  const r = new ByteReader(bytes, start, end);
  const codec = r.u8();
  if (codec !== CODEC_8 && codec !== CODEC_8E) throw new AvlInconsistent(`codec 0x${codec.toString(16)} is not AVL data`);
  const ext = codec === CODEC_8E;
  const count = r.u8();
  const records: AvlRecord[] = [];
  for (let i = 0; i < count; i++) records.push(readRecord(r, ext));
  const again = r.u8();
  if (again !== count) throw new AvlInconsistent(`record count ${count} at the start but ${again} at the end`);
  if (r.remaining !== 0) throw new AvlInconsistent(`${r.remaining} byte(s) after the second record count`);
  return { codec, records };
}

function readRecord(r: ByteReader, ext: boolean): AvlRecord {
  const timestampMs = Number(r.u64());
  const priority = r.u8();
  const lonE7 = r.i32();
  const latE7 = r.i32();
  const altitudeM = r.u16();
  const angleDeg = r.u16();
  const satellites = r.u8();
  const speedKmh = r.u16();
  const id = ext ? () => r.u16() : () => r.u8();
  const eventId = id();
  const total = id();
  const group = (read: () => number) => Array.from({ length: id() }, () => ({ id: id(), value: read() }));
  const one = group(() => r.u8());
  const two = group(() => r.u16());
  const four = group(() => r.u32());
  const eight = Array.from({ length: id() }, () => ({ id: id(), value: r.u64() }));
  const nx = ext ? Array.from({ length: r.u16() }, () => ({ id: r.u16(), value: Buffer.from(r.slice(r.u16())) })) : [];
  const sum = one.length + two.length + four.length + eight.length + nx.length;
  if (sum !== total) throw new AvlInconsistent(`IO total count ${total} but the groups hold ${sum}`);
  return { timestampMs, priority, lonE7, latE7, altitudeM, angleDeg, satellites, speedKmh, io: { eventId, one, two, four, eight, nx } };
}

/** Appends codec id .. second count. Throws on records the codec cannot carry (a programming error in the caller). */
export function writeAvlData(w: ByteWriter, data: AvlData): void {
  const ext = data.codec === CODEC_8E;
  if (data.records.length < 1 || data.records.length > 255) throw new RangeError(`a packet carries 1 to 255 records, not ${data.records.length}`);
  w.u8(data.codec).u8(data.records.length);
  const id = ext ? (v: number) => w.u16(v) : (v: number) => w.u8(v);
  for (const rec of data.records) {
    const { io } = rec;
    if (!ext && io.nx.length > 0) throw new RangeError('Codec 8 has no NX group; use Codec 8 Extended');
    w.u64(BigInt(rec.timestampMs)).u8(rec.priority).i32(rec.lonE7).i32(rec.latE7).u16(rec.altitudeM).u16(rec.angleDeg).u8(rec.satellites).u16(rec.speedKmh);
    id(io.eventId);
    id(io.one.length + io.two.length + io.four.length + io.eight.length + io.nx.length);
    const group = <T extends { readonly id: number }>(values: readonly T[], write: (v: T) => void) => {
      id(values.length);
      for (const v of values) {
        id(v.id);
        write(v);
      }
    };
    group(io.one, (v) => w.u8(v.value));
    group(io.two, (v) => w.u16(v.value));
    group(io.four, (v) => w.u32(v.value));
    group(io.eight, (v) => w.u64(v.value));
    if (ext) {
      w.u16(io.nx.length);
      for (const v of io.nx) w.u16(v.id).u16(v.value.length).bytes(v.value);
    }
  }
  w.u8(data.records.length);
}
