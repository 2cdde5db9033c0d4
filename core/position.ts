import { checkExtras, encodeExtras, type PositionExtras } from './position-extras.ts';

/**
 * The position contract: the one message every stage speaks. Its published
 * form is `core/position.schema.json`; this module is the fast validator that
 * ingest runs per message, and a test keeps the two in agreement.
 */
export interface Position extends PositionExtras {
  readonly vehicle_id: string;
  /** Milliseconds since the Unix epoch, UTC. */
  readonly ts_ms: number;
  readonly lat: number;
  readonly lon: number;
  readonly speed_kmh: number;
  readonly heading_deg: number;
  /** Empty string when the producer sent none. */
  readonly vehicle_type: string;
}

/** Why a message was refused; stable values, stored in fleet.ingest_rejects.reason and counted per reason. */
export const REJECT_REASONS = [
  'not_json',
  'not_an_object',
  'missing_field',
  'wrong_type',
  'bad_vehicle_id',
  'bad_timestamp',
  'lat_out_of_range',
  'lon_out_of_range',
  'speed_out_of_range',
  'heading_out_of_range',
  'bad_vehicle_type',
  'too_old',
  'too_far_in_future',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export type PositionCheck =
  | { readonly ok: true; readonly position: Position }
  | { readonly ok: false; readonly reason: RejectReason; readonly detail: string };

export interface TimeBounds {
  /** Oldest accepted event time (ms since epoch), inclusive. */
  readonly minTsMs: number;
  /** Newest accepted event time (ms since epoch), inclusive. */
  readonly maxTsMs: number;
}

export const MAX_SPEED_KMH = 400;
const VEHICLE_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const VEHICLE_TYPE = /^[a-z0-9_-]{1,32}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const REQUIRED = ['vehicle_id', 'ts', 'lat', 'lon', 'speed_kmh', 'heading_deg'] as const;

const refuse = (reason: RejectReason, detail: string): PositionCheck => ({ ok: false, reason, detail });

/** Parses and validates one raw message (bytes or text). Never throws. */
export function parsePosition(raw: string | Uint8Array, bounds?: TimeBounds): PositionCheck {
  const text = typeof raw === 'string' ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return refuse('not_json', `not JSON: ${(err as Error).message}`);
  }
  return checkPosition(value, bounds);
}

/** Validates an already-decoded value (NDJSON/CSV import rows, tests). Never throws. */
export function checkPosition(value: unknown, bounds?: TimeBounds): PositionCheck {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return refuse('not_an_object', 'a position must be a JSON object');
  const v = value as Record<string, unknown>;
  for (const field of REQUIRED) {
    if (v[field] === undefined || v[field] === null) return refuse('missing_field', `missing field ${field}`);
  }
  const { vehicle_id, ts, lat, lon, speed_kmh, heading_deg, vehicle_type } = v;
  if (typeof vehicle_id !== 'string') return refuse('wrong_type', 'vehicle_id must be a string');
  if (!VEHICLE_ID.test(vehicle_id)) return refuse('bad_vehicle_id', 'vehicle_id must be 1 to 64 of A-Z a-z 0-9 . _ : -');
  if (typeof ts !== 'string') return refuse('wrong_type', 'ts must be an RFC 3339 string');
  const tsMs = RFC3339.test(ts) ? Date.parse(ts) : Number.NaN;
  if (!Number.isFinite(tsMs)) return refuse('bad_timestamp', `ts ${JSON.stringify(ts)} is not an RFC 3339 timestamp`);
  for (const [name, n] of [['lat', lat], ['lon', lon], ['speed_kmh', speed_kmh], ['heading_deg', heading_deg]] as const) {
    if (typeof n !== 'number' || !Number.isFinite(n)) return refuse('wrong_type', `${name} must be a number`);
  }
  const [latN, lonN, speedN, headingN] = [lat, lon, speed_kmh, heading_deg] as number[];
  if (latN! < -90 || latN! > 90) return refuse('lat_out_of_range', `lat ${latN} is outside -90..90`);
  if (lonN! < -180 || lonN! > 180) return refuse('lon_out_of_range', `lon ${lonN} is outside -180..180`);
  if (speedN! < 0 || speedN! > MAX_SPEED_KMH) return refuse('speed_out_of_range', `speed_kmh ${speedN} is outside 0..${MAX_SPEED_KMH}`);
  if (headingN! < 0 || headingN! > 360) return refuse('heading_out_of_range', `heading_deg ${headingN} is outside 0..360`);
  if (vehicle_type !== undefined && vehicle_type !== null) {
    if (typeof vehicle_type !== 'string') return refuse('wrong_type', 'vehicle_type must be a string');
    if (!VEHICLE_TYPE.test(vehicle_type)) return refuse('bad_vehicle_type', 'vehicle_type must be 1 to 32 of a-z 0-9 _ -');
  }
  const extras = checkExtras(v);
  if (!extras.ok) return refuse('wrong_type', extras.detail);
  if (bounds) {
    if (tsMs < bounds.minTsMs) return refuse('too_old', `ts ${ts} is older than the accepted past bound ${new Date(bounds.minTsMs).toISOString()}`);
    if (tsMs > bounds.maxTsMs) return refuse('too_far_in_future', `ts ${ts} is beyond the accepted future bound ${new Date(bounds.maxTsMs).toISOString()}`);
  }
  return {
    ok: true,
    position: {
      vehicle_id,
      ts_ms: tsMs,
      lat: latN!,
      lon: lonN!,
      speed_kmh: speedN!,
      // Devices send 360 for north as often as 0: the same direction, stored once as 0.
      heading_deg: headingN === 360 ? 0 : headingN!,
      vehicle_type: typeof vehicle_type === 'string' ? vehicle_type : '',
      ...extras.extras,
    },
  };
}

/** The wire form of a position: fixed key order (optional device fields last), so a seeded generator is byte-for-byte reproducible. */
export function encodePosition(p: Position): string {
  const type = p.vehicle_type ? `,"vehicle_type":${JSON.stringify(p.vehicle_type)}` : '';
  return (
    `{"vehicle_id":${JSON.stringify(p.vehicle_id)},"ts":"${new Date(p.ts_ms).toISOString()}",` +
    `"lat":${p.lat},"lon":${p.lon},"speed_kmh":${p.speed_kmh},"heading_deg":${p.heading_deg}${type}${encodeExtras(p)}}`
  );
}
