import type { Position, TimeBounds } from '../core/position.ts';
import type { CutBatch } from './partition-batcher.ts';
import type { Decode, Reject } from './types.ts';

/** The columns ingest writes, in the order of every encoded line. */
export const POSITION_COLUMNS = ['vehicle_id', 'ts', 'lat', 'lon', 'speed_kmh', 'heading_deg', 'vehicle_type'] as const;
export const POSITION_INSERT_FORMAT = 'TabSeparated';

/** A batch ready for ClickHouse: accepted positions as one insert body, refused messages as values. */
export interface EncodedBatch {
  readonly body: string;
  readonly rows: number;
  readonly rejects: readonly Reject[];
  /** Newest accepted event time, for freshness; undefined when every message was refused. */
  readonly newestTsMs: number | undefined;
}

/**
 * Decodes and validates every message of a batch and encodes the accepted ones
 * as TabSeparated text (the fastest text format both the HTTP client and the
 * embedded connection take; bench/ingest.ts measures the alternatives).
 * Per-message outcomes are values: a bad message becomes a Reject, never an exception.
 */
export function encodeBatch(batch: CutBatch, decode: Decode, bounds: TimeBounds): EncodedBatch {
  let body = '';
  let rows = 0;
  let newestTsMs: number | undefined;
  const rejects: Reject[] = [];
  for (const message of batch.messages) {
    const check = decode(message.value, bounds);
    if (!check.ok) {
      rejects.push({ stream: batch.stream, offset: message.offset, key: message.key, payload: message.value, reason: check.reason, detail: check.detail });
      continue;
    }
    body += encodePositionLine(check.position);
    rows += 1;
    if (newestTsMs === undefined || check.position.ts_ms > newestTsMs) newestTsMs = check.position.ts_ms;
  }
  return { body, rows, rejects, newestTsMs };
}

/**
 * One TabSeparated line. Values are rounded here, exactly and once: lat/lon to
 * 6 decimals, speed to 1, heading to a whole degree (360 wraps to 0), ties
 * upwards as Math.round does. Identifiers need no escaping:
 * core/position.ts only accepts [A-Za-z0-9._:-] in them.
 */
export function encodePositionLine(p: Position): string {
  return (
    `${p.vehicle_id}\t${epochText(p.ts_ms)}\t${fixed(p.lat, 1e6, 6)}\t${fixed(p.lon, 1e6, 6)}\t` +
    `${fixed(p.speed_kmh, 10, 1)}\t${Math.round(p.heading_deg) % 360}\t${p.vehicle_type}\n`
  );
}

/** `seconds.millis`, which DateTime64(3) parses as a Unix time without any calendar work. */
function epochText(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `${seconds}.${String(ms - seconds * 1000).padStart(3, '0')}`;
}

/** The decimal text of `round(value * scale)` with `digits` decimals, built from integers so no float formatting creeps in. */
function fixed(value: number, scale: number, digits: number): string {
  const scaled = Math.round(value * scale);
  const abs = Math.abs(scaled);
  const whole = Math.floor(abs / scale);
  const fraction = String(abs - whole * scale).padStart(digits, '0');
  return `${scaled < 0 ? '-' : ''}${whole}.${fraction}`;
}
