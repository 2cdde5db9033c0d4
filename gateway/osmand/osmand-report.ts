import { errorMessage } from '../../core/errors.ts';
import { decoded, reject, type Decoded } from '../frame-outcome.ts';

/**
 * The OsmAnd protocol of Traccar Client: a query string (GET, or a POST
 * body) with `id, lat, lon, timestamp, speed (knots), bearing, altitude,
 * accuracy, batt`, or, from current app versions, a JSON body
 * `{device_id, location: {timestamp, coords: {…, speed m/s}, is_moving, battery: {level 0..1}}}`.
 * Both decode to one report shape; speed is converted to km/h.
 */
export interface OsmandReport {
  readonly deviceId: string;
  readonly timestampMs: number;
  readonly lat: number;
  readonly lon: number;
  readonly speedKmh?: number;
  readonly bearingDeg?: number;
  readonly altitudeM?: number;
  readonly accuracyM?: number;
  /** 0..100. */
  readonly batteryPercent?: number;
  readonly moving?: boolean;
  /** The app's own fix flag (`valid=false` in the query form); absent means valid. */
  readonly valid?: boolean;
}

export const KNOT_KMH = 1.852;
const MS_KMH = 3.6;
const DEVICE_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

const bad = (field: string, detail: string) => ({ ...reject('malformed', `${field}: ${detail}`), field });

type Field<T> = { ok: true; value: T } | ReturnType<typeof bad>;

function number(field: string, raw: unknown, min: number, max: number, required: boolean): Field<number | undefined> {
  if (raw === undefined || raw === null || raw === '') return required ? bad(field, 'is missing') : { ok: true, value: undefined };
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(n)) return bad(field, `${JSON.stringify(raw)} is not a number`);
  if (n < min || n > max) return bad(field, `${n} is outside ${min}..${max}`);
  return { ok: true, value: n };
}

function timestamp(field: string, raw: unknown): Field<number> {
  if (raw === undefined || raw === null || raw === '') return bad(field, 'is missing');
  if (typeof raw === 'string' && ISO_8601.test(raw)) {
    const ms = Date.parse(raw);
    if (Number.isFinite(ms)) return { ok: true, value: ms };
  }
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
  // Some app versions send milliseconds: no position is from before 2001 in seconds' terms above 1e12.
  if (Number.isFinite(n)) return { ok: true, value: Math.round(n >= 1e12 ? n : n * 1000) };
  return bad(field, `${JSON.stringify(raw)} is neither epoch seconds nor ISO 8601`);
}

function deviceId(field: string, raw: unknown): Field<string> {
  if (raw === undefined || raw === null || raw === '') return bad(field, 'is missing');
  if (typeof raw !== 'string' && typeof raw !== 'number') return bad(field, 'must be a string');
  const id = String(raw);
  return DEVICE_ID.test(id) ? { ok: true, value: id } : bad(field, 'must be 1 to 64 of A-Z a-z 0-9 . _ : -');
}

interface RawFields {
  readonly id: [string, unknown];
  readonly ts: [string, unknown];
  readonly lat: [string, unknown];
  readonly lon: [string, unknown];
  readonly speed: [string, unknown];
  readonly speedFactor: number;
  readonly bearing: [string, unknown];
  readonly altitude: [string, unknown];
  readonly accuracy: [string, unknown];
  readonly battery: [string, unknown];
  readonly batteryFactor: number;
  readonly moving?: boolean;
  readonly valid?: boolean;
}

function build(f: RawFields): Decoded<OsmandReport> {
  const id = deviceId(...f.id);
  if (!id.ok) return id;
  const ts = timestamp(...f.ts);
  if (!ts.ok) return ts;
  const lat = number(...f.lat, -90, 90, true);
  if (!lat.ok) return lat;
  const lon = number(...f.lon, -180, 180, true);
  if (!lon.ok) return lon;
  const speed = number(...f.speed, 0, 1000, false);
  if (!speed.ok) return speed;
  const bearing = number(...f.bearing, -360, 720, false);
  if (!bearing.ok) return bearing;
  const altitude = number(...f.altitude, -20_000, 100_000, false);
  if (!altitude.ok) return altitude;
  const accuracy = number(...f.accuracy, 0, 1e7, false);
  if (!accuracy.ok) return accuracy;
  const battery = number(...f.battery, -100, 100, false);
  if (!battery.ok) return battery;
  const report: OsmandReport = {
    deviceId: id.value,
    timestampMs: ts.value,
    lat: lat.value!,
    lon: lon.value!,
    ...(speed.value !== undefined && { speedKmh: speed.value * f.speedFactor }),
    ...(bearing.value !== undefined && { bearingDeg: bearing.value }),
    ...(altitude.value !== undefined && { altitudeM: altitude.value }),
    ...(accuracy.value !== undefined && { accuracyM: accuracy.value }),
    // The app sends -1 (JSON) or nothing when it does not know the battery level.
    ...(battery.value !== undefined && battery.value >= 0 && { batteryPercent: battery.value * f.batteryFactor }),
    ...(f.moving !== undefined && { moving: f.moving }),
    ...(f.valid !== undefined && { valid: f.valid }),
  };
  return decoded(report);
}

/** The query-string form (GET query, or a POST body of application/x-www-form-urlencoded). */
export function decodeOsmandQuery(params: URLSearchParams): Decoded<OsmandReport> {
  const get = (name: string): [string, unknown] => [name, params.get(name) ?? undefined];
  const valid = params.get('valid');
  return build({
    id: params.has('deviceid') && !params.has('id') ? get('deviceid') : get('id'),
    ts: get('timestamp'),
    lat: get('lat'),
    lon: get('lon'),
    speed: get('speed'),
    speedFactor: KNOT_KMH,
    bearing: params.has('heading') && !params.has('bearing') ? get('heading') : get('bearing'),
    altitude: get('altitude'),
    accuracy: get('accuracy'),
    battery: get('batt'),
    batteryFactor: 1,
    ...(valid !== null && { valid: valid !== 'false' && valid !== '0' }),
  });
}

const record = (v: unknown): Record<string, unknown> | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/** The JSON form; a body whose `location` is a list gives one report per entry. */
export function decodeOsmandJson(body: unknown): Decoded<OsmandReport[]> {
  const root = record(body);
  if (!root) return bad('body', 'must be a JSON object');
  const locations = Array.isArray(root.location) ? root.location : [root.location];
  const reports: OsmandReport[] = [];
  for (const [i, entry] of locations.entries()) {
    const at = Array.isArray(root.location) ? `location[${i}]` : 'location';
    const location = record(entry);
    if (!location) return bad(at, 'must be an object');
    const coords = record(location.coords);
    if (!coords) return bad(`${at}.coords`, 'must be an object');
    const battery = record(location.battery);
    const moving = location.is_moving;
    const one = build({
      id: ['device_id', root.device_id],
      ts: [`${at}.timestamp`, location.timestamp],
      lat: [`${at}.coords.latitude`, coords.latitude],
      lon: [`${at}.coords.longitude`, coords.longitude],
      speed: [`${at}.coords.speed`, typeof coords.speed === 'number' && coords.speed < 0 ? undefined : coords.speed],
      speedFactor: MS_KMH,
      bearing: [`${at}.coords.heading`, typeof coords.heading === 'number' && coords.heading < 0 ? undefined : coords.heading],
      altitude: [`${at}.coords.altitude`, coords.altitude],
      accuracy: [`${at}.coords.accuracy`, coords.accuracy],
      battery: [`${at}.battery.level`, battery?.level],
      batteryFactor: 100,
      ...(typeof moving === 'boolean' && { moving }),
    });
    if (!one.ok) return one;
    reports.push(one.value);
  }
  return decoded(reports);
}

/** The query-string form of a report (the simulator's side); speed in knots. */
export function encodeOsmandQuery(report: OsmandReport): string {
  const params = new URLSearchParams({ id: report.deviceId, timestamp: String(report.timestampMs / 1000), lat: String(report.lat), lon: String(report.lon) });
  if (report.speedKmh !== undefined) params.set('speed', String(report.speedKmh / KNOT_KMH));
  if (report.bearingDeg !== undefined) params.set('bearing', String(report.bearingDeg));
  if (report.altitudeM !== undefined) params.set('altitude', String(report.altitudeM));
  if (report.accuracyM !== undefined) params.set('accuracy', String(report.accuracyM));
  if (report.batteryPercent !== undefined) params.set('batt', String(report.batteryPercent));
  if (report.valid !== undefined) params.set('valid', String(report.valid));
  return params.toString();
}

/** The JSON form of a report (the simulator's side); speed in m/s, battery as 0..1. */
export function encodeOsmandJson(report: OsmandReport): string {
  const coords: Record<string, number> = { latitude: report.lat, longitude: report.lon };
  if (report.speedKmh !== undefined) coords.speed = report.speedKmh / MS_KMH;
  if (report.bearingDeg !== undefined) coords.heading = report.bearingDeg;
  if (report.altitudeM !== undefined) coords.altitude = report.altitudeM;
  if (report.accuracyM !== undefined) coords.accuracy = report.accuracyM;
  const location: Record<string, unknown> = { timestamp: new Date(report.timestampMs).toISOString(), coords };
  if (report.moving !== undefined) location.is_moving = report.moving;
  if (report.batteryPercent !== undefined) location.battery = { level: report.batteryPercent / 100 };
  return JSON.stringify({ device_id: report.deviceId, location });
}

/**
 * One HTTP request of Traccar Client: GET query, POST form or JSON body; the
 * JSON form is recognised by content type or a leading brace. Replay reads
 * archived requests (`METHOD URL\n` + body) back through this too, without
 * their content type.
 */
export function decodeOsmandRequest(method: string, target: string, contentType: string, body: Buffer): Decoded<OsmandReport[]> {
  const url = new URL(target, 'http://gateway');
  const text = body.toString('utf8').trim();
  const json = contentType.includes('json') || text.startsWith('{');
  if (method === 'POST' && json) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return { ok: false, reason: 'malformed', detail: `body: not JSON (${errorMessage(err)})`, field: 'body' };
    }
    return decodeOsmandJson(value);
  }
  const params = method === 'POST' && text !== '' && url.search === '' ? new URLSearchParams(text) : url.searchParams;
  const one = decodeOsmandQuery(params);
  return one.ok ? { ok: true, value: [one.value] } : one;
}
