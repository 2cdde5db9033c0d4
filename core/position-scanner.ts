import { MAX_SPEED_KMH, parsePosition, type PositionCheck, type TimeBounds } from './position.ts';

/**
 * Ingest's per-message decoder: `parsePosition`'s verdicts, faster for the
 * messages producers actually send.
 *
 * Producers write the compact form of `encodePosition` (fields in contract
 * order, no whitespace, no escapes, `ts` as `YYYY-MM-DDTHH:MM:SS.mmmZ`). Such
 * bytes are read here in one pass, without JSON.parse, the intermediate object
 * and the timestamp regex, which were most of ingest's CPU. Anything else (other
 * key orders, unknown fields, escapes, exponents, other time zones, any value a
 * check would refuse) goes to `parsePosition`, so the outcome is always exactly
 * the one `parsePosition` gives: a test holds the two together.
 */
export function scanPosition(raw: Buffer | string, bounds?: TimeBounds): PositionCheck {
  const bytes = typeof raw === 'string' ? Buffer.from(raw) : raw;
  return scanCompact(bytes, bounds) ?? parsePosition(raw, bounds);
}

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const OPEN_ID = ascii('{"vehicle_id":"');
const ID_TO_TS = ascii('","ts":"');
const LAT = ascii(',"lat":');
const LON = ascii(',"lon":');
const SPEED = ascii(',"speed_kmh":');
const HEADING = ascii(',"heading_deg":');
const TYPE = ascii(',"vehicle_type":"');
const code = (char: string) => char.charCodeAt(0);
const QUOTE = code('"');
const CLOSE = code('}');
const MINUS = code('-');
const DOT = code('.');
const ZERO = code('0');
const NINE = code('9');
const T = code('T');
const Z = code('Z');
const COLON = code(':');

/** Exact powers of ten: a decimal with at most 15 digits divided by one of these is the correctly rounded double, as JSON.parse gives. */
const POW10 = Array.from({ length: 16 }, (_, i) => 10 ** i);
const MAX_DIGITS = 15;

/** `[A-Za-z0-9._:-]`, the vehicle id alphabet of core/position.ts. */
const ID_BYTE = byteSet((c) => /[A-Za-z0-9._:-]/.test(c));
/** `[a-z0-9_-]`, the vehicle type alphabet. */
const TYPE_BYTE = byteSet((c) => /[a-z0-9_-]/.test(c));

function byteSet(test: (char: string) => boolean): Uint8Array {
  const set = new Uint8Array(256);
  for (let b = 0; b < 128; b++) set[b] = test(String.fromCharCode(b)) ? 1 : 0;
  return set;
}

/** The position when `bytes` are a compact message that parsePosition accepts; undefined hands the message to parsePosition. */
function scanCompact(bytes: Buffer, bounds: TimeBounds | undefined): PositionCheck | undefined {
  const end = bytes.length;
  let i = expect(bytes, 0, OPEN_ID);
  if (i < 0) return undefined;
  const idStart = i;
  while (i < end && ID_BYTE[bytes[i]!] === 1) i++;
  const idEnd = i;
  if (idEnd === idStart || idEnd - idStart > 64) return undefined;
  i = expect(bytes, i, ID_TO_TS);
  if (i < 0 || i + 20 > end) return undefined;

  const tsMs = readTimestamp(bytes, i);
  if (tsMs === undefined) return undefined;
  i += bytes[i + 19] === DOT ? 24 : 20;
  if (bytes[i++] !== QUOTE) return undefined;
  if (bounds && (tsMs < bounds.minTsMs || tsMs > bounds.maxTsMs)) return undefined;

  // Each comparison is false for NaN, readNumber's "not mine".
  const lat = readNumber(bytes, expect(bytes, i, LAT));
  if (!(lat >= -90 && lat <= 90)) return undefined;
  const lon = readNumber(bytes, expect(bytes, numberEnd, LON));
  if (!(lon >= -180 && lon <= 180)) return undefined;
  const speed = readNumber(bytes, expect(bytes, numberEnd, SPEED));
  if (!(speed >= 0 && speed <= MAX_SPEED_KMH)) return undefined;
  const heading = readNumber(bytes, expect(bytes, numberEnd, HEADING));
  if (!(heading >= 0 && heading <= 360)) return undefined;
  i = numberEnd;

  let vehicleType = '';
  if (bytes[i] !== CLOSE) {
    i = expect(bytes, i, TYPE);
    if (i < 0) return undefined;
    const typeStart = i;
    while (i < end && TYPE_BYTE[bytes[i]!] === 1) i++;
    if (i === typeStart || i - typeStart > 32 || bytes[i] !== QUOTE) return undefined;
    vehicleType = bytes.toString('latin1', typeStart, i);
    i++;
  }
  if (bytes[i] !== CLOSE || i + 1 !== end) return undefined;
  return {
    ok: true,
    position: {
      vehicle_id: bytes.toString('latin1', idStart, idEnd),
      ts_ms: tsMs,
      lat,
      lon,
      speed_kmh: speed,
      heading_deg: heading === 360 ? 0 : heading,
      vehicle_type: vehicleType,
    },
  };
}

/** The index after `literal` when the bytes at `at` spell it, else -1. */
function expect(bytes: Buffer, at: number, literal: Uint8Array): number {
  if (at < 0 || at + literal.length > bytes.length) return -1;
  for (let k = 0; k < literal.length; k++) if (bytes[at + k] !== literal[k]) return -1;
  return at + literal.length;
}

/**
 * `YYYY-MM-DDTHH:MM:SSZ` or `YYYY-MM-DDTHH:MM:SS.mmmZ` as milliseconds since
 * the epoch, with Date.parse's calendar (a day past the month's end rolls
 * over). Hours 24, leap seconds and other fraction lengths are left to Date.parse.
 */
function readTimestamp(b: Buffer, at: number): number | undefined {
  if (b[at + 4] !== MINUS || b[at + 7] !== MINUS || b[at + 10] !== T || b[at + 13] !== COLON || b[at + 16] !== COLON) return undefined;
  const year = digits(b, at, 4);
  const month = digits(b, at + 5, 2);
  const day = digits(b, at + 8, 2);
  const hour = digits(b, at + 11, 2);
  const minute = digits(b, at + 14, 2);
  const second = digits(b, at + 17, 2);
  let millis = 0;
  let zone = at + 19;
  if (b[zone] === DOT) {
    millis = digits(b, at + 20, 3);
    zone = at + 23;
  }
  if (b[zone] !== Z || year < 0 || millis < 0) return undefined;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  return daysFromCivil(year, month, day) * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
}

/** The value of `count` ASCII digits at `at`, or -1 when one is not a digit. */
function digits(b: Buffer, at: number, count: number): number {
  let n = 0;
  for (let k = 0; k < count; k++) {
    const d = b[at + k]! - ZERO;
    if (!(d >= 0 && d <= 9)) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm); linear in `day`, so overflowing days roll into the next month. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Where the last number readNumber read ends (a module variable rather than a result object: this runs four times per message). */
let numberEnd = 0;

/**
 * A JSON number without exponent (`-?(0|[1-9][0-9]*)(\.[0-9]+)?`) of at most
 * 15 digits, or NaN; sets `numberEnd`. Longer or exponent forms go to JSON.parse.
 */
function readNumber(b: Buffer, at: number): number {
  if (at < 0) return Number.NaN;
  let i = at;
  const negative = b[i] === MINUS;
  if (negative) i++;
  const intStart = i;
  let mantissa = 0;
  while (b[i]! >= ZERO && b[i]! <= NINE) mantissa = mantissa * 10 + (b[i++]! - ZERO);
  const intDigits = i - intStart;
  if (intDigits === 0 || (intDigits > 1 && b[intStart] === ZERO)) return Number.NaN;
  let fracDigits = 0;
  if (b[i] === DOT) {
    const fracStart = ++i;
    while (b[i]! >= ZERO && b[i]! <= NINE) mantissa = mantissa * 10 + (b[i++]! - ZERO);
    fracDigits = i - fracStart;
    if (fracDigits === 0) return Number.NaN;
  }
  if (intDigits + fracDigits > MAX_DIGITS) return Number.NaN;
  numberEnd = i;
  const magnitude = mantissa / POW10[fracDigits]!;
  return negative ? -magnitude : magnitude;
}
