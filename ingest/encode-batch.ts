import type { Position, TimeBounds } from '../core/position.ts';
import type { CutBatch } from './partition-batcher.ts';
import { EXTRA_COLUMNS, hasExtras, NO_EXTRAS, tsvExtras } from './tsv-extras.ts';
import type { Decode, Reject } from './types.ts';

/** The columns of every position; a batch in which no position has device fields writes these alone. */
export const CORE_POSITION_COLUMNS = ['vehicle_id', 'ts', 'lat', 'lon', 'speed_kmh', 'heading_deg', 'vehicle_type'] as const;
/** Every column ingest writes, device fields included, in the order of an encoded line. */
export const POSITION_COLUMNS = [...CORE_POSITION_COLUMNS, ...EXTRA_COLUMNS] as const;
export const POSITION_INSERT_FORMAT = 'TabSeparated';

/** A batch ready for ClickHouse: accepted positions as one insert body, refused messages as values. */
export interface EncodedBatch {
  readonly body: Buffer;
  /** The columns of the body's lines. */
  readonly columns: readonly string[];
  readonly rows: number;
  readonly rejects: readonly Reject[];
  /** Newest accepted event time, for freshness; undefined when every message was refused. */
  readonly newestTsMs: number | undefined;
}

/**
 * Decodes and validates every message of a batch and encodes the accepted ones
 * as TabSeparated (the fastest text format both the HTTP client and the
 * embedded connection take; bench/ingest.ts measures the alternatives).
 * Per-message outcomes are values: a bad message becomes a Reject, never an exception.
 */
export function encodeBatch(batch: CutBatch, decode: Decode, bounds: TimeBounds): EncodedBatch {
  const body = createTsvBody(batch.bytes);
  let newestTsMs: number | undefined;
  const rejects: Reject[] = [];
  for (const message of batch.messages) {
    const check = decode(message.value, bounds);
    if (!check.ok) {
      rejects.push({ stream: batch.stream, offset: message.offset, key: message.key, payload: message.value, reason: check.reason, detail: check.detail });
      continue;
    }
    body.add(check.position);
    if (newestTsMs === undefined || check.position.ts_ms > newestTsMs) newestTsMs = check.position.ts_ms;
  }
  return { body: body.bytes(), columns: body.columns, rows: body.rows, rejects, newestTsMs };
}

export interface TsvBody {
  /** Appends one position as a line of `columns`. */
  add(position: Position): void;
  readonly rows: number;
  /**
   * CORE_POSITION_COLUMNS while no position had device fields (simulator and phone data), then POSITION_COLUMNS:
   * ten empty columns cost ClickHouse about as much to parse as the seven real ones (bench:ingest).
   */
  readonly columns: readonly string[];
  /** The lines so far (a view, valid until the next `add`). */
  bytes(): Buffer;
}

const TAB = 0x09;
const NEWLINE = 0x0a;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
/** 10^0 … 10^15, exact doubles: the digit count of an integer by comparison, without dividing. */
const POW10 = Array.from({ length: 16 }, (_, i) => 10 ** i);
/** Longest line: a 64-byte id, a 32-byte type, and the numbers with their separators. */
const MAX_LINE_BYTES = 64 + 32 + 80;

/**
 * TabSeparated lines written as bytes into one growing buffer. Building the
 * body as strings cost more than validating: one string per line and per
 * number, all alive until the insert, for the garbage collector to copy, then
 * flattened and re-encoded. Values are rounded here, exactly and once:
 * lat/lon to 6 decimals, speed to 1, heading to a whole degree (360 wraps to
 * 0), ties upwards as Math.round does; `ts` is `seconds.millis`, which
 * DateTime64(3) parses as a Unix time without calendar work. Identifiers need
 * no escaping: core/position.ts only accepts ASCII [A-Za-z0-9._:-] in them.
 */
export function createTsvBody(expectedBytes = 1 << 16): TsvBody {
  let buffer = Buffer.allocUnsafe(Math.max(expectedBytes, MAX_LINE_BYTES));
  let at = 0;
  let rows = 0;
  let wide = false;

  /** The first position with device fields: every line so far gets the empty device columns, once. */
  const widen = () => {
    const none = Buffer.from(NO_EXTRAS, 'latin1');
    const widened = Buffer.allocUnsafe(Math.max(buffer.length, at + rows * none.length) + MAX_LINE_BYTES);
    let to = 0;
    for (let from = 0; from < at; ) {
      const end = buffer.indexOf(NEWLINE, from);
      to += buffer.copy(widened, to, from, end);
      to += none.copy(widened, to);
      widened[to++] = NEWLINE;
      from = end + 1;
    }
    buffer = widened;
    at = to;
    wide = true;
  };

  /**
   * An identifier's bytes, one by one: ids and types are a few ASCII bytes, for which a loop costs less than
   * Buffer#write's call into native code (three such calls per line were a third of the encoding's CPU).
   */
  const ascii = (value: string) => {
    for (let k = 0; k < value.length; k++) buffer[at + k] = value.charCodeAt(k);
    at += value.length;
  };
  /** The digits of a non-negative integer, at least `width` of them. */
  const digits = (n: number, width: number) => {
    let count = 1;
    while (count < POW10.length && n >= POW10[count]!) count++;
    count = Math.max(count, width);
    for (let k = count - 1; k >= 0; k--) {
      const next = Math.floor(n / 10);
      buffer[at + k] = ZERO + (n - next * 10);
      n = next;
    }
    at += count;
  };
  /** `round(value * 10^decimals)` as a decimal with `decimals` places, from integers so no float formatting creeps in. */
  const fixed = (value: number, scale: number, decimals: number) => {
    const scaled = Math.round(value * scale);
    if (scaled < 0) buffer[at++] = MINUS;
    const abs = Math.abs(scaled);
    const whole = Math.floor(abs / scale);
    digits(whole, 1);
    buffer[at++] = DOT;
    digits(abs - whole * scale, decimals);
    buffer[at++] = TAB;
  };

  return {
    add(p) {
      if (!wide && hasExtras(p)) widen();
      const extras = wide ? tsvExtras(p) : '';
      if (at + MAX_LINE_BYTES + extras.length > buffer.length) {
        const grown = Buffer.allocUnsafe(Math.max(buffer.length * 2, at + MAX_LINE_BYTES + extras.length));
        buffer.copy(grown, 0, 0, at);
        buffer = grown;
      }
      ascii(p.vehicle_id);
      buffer[at++] = TAB;
      if (p.ts_ms < 0) buffer[at++] = MINUS;
      const ms = Math.abs(p.ts_ms);
      const seconds = Math.floor(ms / 1000);
      digits(seconds, 1);
      buffer[at++] = DOT;
      digits(ms - seconds * 1000, 3);
      buffer[at++] = TAB;
      fixed(p.lat, 1e6, 6);
      fixed(p.lon, 1e6, 6);
      fixed(p.speed_kmh, 10, 1);
      digits(Math.round(p.heading_deg) % 360, 1);
      buffer[at++] = TAB;
      ascii(p.vehicle_type);
      if (wide) at += buffer.write(extras, at, 'latin1');
      buffer[at++] = NEWLINE;
      rows += 1;
    },
    get rows() {
      return rows;
    },
    get columns() {
      return wide ? POSITION_COLUMNS : CORE_POSITION_COLUMNS;
    },
    bytes: () => buffer.subarray(0, at),
  };
}
