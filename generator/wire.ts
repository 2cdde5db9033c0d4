/**
 * The generator's fast path to the wire form of core/position.ts
 * `encodePosition`: the same bytes (a test holds the two together), but built
 * from integers (micro-degrees, tenths of km/h) and cached pieces. Formatting
 * a double and `Date#toISOString` each cost more than a whole position here:
 * the timestamp text is re-rendered only when the millisecond changes, and
 * speed, heading and vehicle type come from lookup tables.
 */

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const DAY_MS = 86_400_000;
/** core/position.ts accepts speeds up to 400 km/h. */
const MAX_SPEED_TENTHS = 4000;

/** `{"vehicle_id":"v-00042","ts":"` */
export function wirePrefix(vehicleId: string): string {
  return `{"vehicle_id":${JSON.stringify(vehicleId)},"ts":"`;
}

/** THREE_DIGITS without trailing zeros ("120" → "12"); used for the last group of a fraction. */
const THREE_TRIMMED = THREE_DIGITS.map((d) => d.replace(/0+$/, ''));
/** Integer part with its dot, for |degrees| up to 180 (all latitudes and longitudes), optionally after a fixed lead. */
const wholeDot = (lead: string, sign: string) => Array.from({ length: 181 }, (_, i) => `${lead}${sign}${i}.`);
const HEADS = { plain: [wholeDot('', ''), wholeDot('', '-')], lon: [wholeDot(',"lon":', ''), wholeDot(',"lon":', '-')] } as const;

/** Same text as `String(micro / 1e6)` for a whole number of micro-units (6 decimals, trailing zeros dropped). */
export function formatMicro(micro: number): string {
  return formatMicroAfter(micro, HEADS.plain, '');
}

/** `lead + formatMicro(micro)`, with the lead folded into a cached head string (one concatenation fewer per message). */
function formatMicroAfter(micro: number, heads: readonly (readonly string[])[], lead: string): string {
  const negative = micro < 0;
  const abs = negative ? -micro : micro;
  const whole = Math.floor(abs / 1e6);
  const frac = abs - whole * 1e6;
  if (frac === 0 || whole > 180) return lead + String(micro / 1e6);
  const hi = Math.floor(frac / 1000);
  const lo = frac - hi * 1000;
  const head = heads[negative ? 1 : 0]![whole]!;
  return lo === 0 ? head + THREE_TRIMMED[hi]! : head + THREE_DIGITS[hi]! + THREE_TRIMMED[lo]!;
}

export interface WireEncoder {
  /** Same text as `new Date(ms).toISOString()` for whole milliseconds. */
  timestamp(ms: number): string;
  /**
   * The wire JSON of one position: lat/lon in micro-degrees, speed in tenths
   * of km/h (0..4000), heading in whole degrees (0..359), type as an index into
   * the encoder's vehicle types.
   */
  encode(prefix: string, ms: number, latMicro: number, lonMicro: number, speedTenths: number, headingDeg: number, type: number): string;
}

export function createWireEncoder(vehicleTypes: readonly string[]): WireEncoder {
  const speeds = Array.from({ length: MAX_SPEED_TENTHS + 1 }, (_, t) => `,"speed_kmh":${t / 10}`);
  const tails = vehicleTypes.map((type) => {
    const suffix = type ? `,"vehicle_type":${JSON.stringify(type)}}` : '}';
    return Array.from({ length: 360 }, (_, h) => `,"heading_deg":${h}${suffix}`);
  });
  let dayStart = Number.NaN;
  let dayText = '';
  let lastMs = Number.NaN;
  let lastText = '';

  const timestamp = (ms: number): string => {
    if (!(ms >= dayStart && ms < dayStart + DAY_MS)) {
      dayStart = Math.floor(ms / DAY_MS) * DAY_MS;
      const iso = new Date(dayStart).toISOString();
      dayText = iso.slice(0, iso.indexOf('T') + 1);
    }
    let rest = ms - dayStart;
    const milli = rest % 1000;
    rest = (rest - milli) / 1000;
    const second = rest % 60;
    rest = (rest - second) / 60;
    const minute = rest % 60;
    const hour = (rest - minute) / 60;
    return dayText + TWO_DIGITS[hour] + ':' + TWO_DIGITS[minute] + ':' + TWO_DIGITS[second] + '.' + THREE_DIGITS[milli] + 'Z';
  };
  return {
    timestamp,
    encode(prefix, ms, latMicro, lonMicro, speedTenths, headingDeg, type) {
      if (ms !== lastMs) {
        lastMs = ms;
        lastText = timestamp(ms) + '","lat":';
      }
      return prefix + lastText + formatMicroAfter(latMicro, HEADS.plain, '') + formatMicroAfter(lonMicro, HEADS.lon, ',"lon":') + speeds[speedTenths]! + tails[type]![headingDeg]!;
    },
  };
}
