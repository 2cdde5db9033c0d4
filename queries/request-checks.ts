import { parseDuration, DURATION_HELP } from '../core/duration.ts';
import { FleetlakeError } from '../core/errors.ts';
import type { Ring } from '../core/geojson.ts';

/** Checks that go beyond what the route schemas can say; each error names its field. */

export interface BBox {
  readonly minLon: number;
  readonly minLat: number;
  readonly maxLon: number;
  readonly maxLat: number;
}

export const WORLD: BBox = { minLon: -180, minLat: -90, maxLon: 180, maxLat: 90 };

/** `min_lon,min_lat,max_lon,max_lat` (the schema checks it is four numbers). */
export function parseBbox(text: string | undefined): BBox | undefined {
  if (text === undefined) return undefined;
  const [minLon, minLat, maxLon, maxLat] = text.split(',').map(Number) as [number, number, number, number];
  const bad = (detail: string) => new FleetlakeError('API_BAD_REQUEST', { detail: `bbox ${text}: ${detail}` });
  if ([minLon, maxLon].some((lon) => lon < -180 || lon > 180)) throw bad('longitudes must be within -180..180');
  if ([minLat, maxLat].some((lat) => lat < -90 || lat > 90)) throw bad('latitudes must be within -90..90');
  if (minLon > maxLon || minLat > maxLat) throw bad('give min_lon,min_lat,max_lon,max_lat with each minimum at most its maximum');
  return { minLon, minLat, maxLon, maxLat };
}

/** The box as a closed ring, for its H3 cover. */
export function bboxRing(box: BBox): Ring {
  return [
    [box.minLon, box.minLat],
    [box.maxLon, box.minLat],
    [box.maxLon, box.maxLat],
    [box.minLon, box.maxLat],
    [box.minLon, box.minLat],
  ];
}

export function checkLimit(limit: number, max: number, setting = 'api.max_limit'): number {
  if (limit > max) throw new FleetlakeError('API_LIMIT_TOO_HIGH', { limit, max, setting });
  return limit;
}

export function splitVehicleTypes(text: string | undefined): string[] {
  return text === undefined ? [] : [...new Set(text.split(','))];
}

/** The longest duration a request may give: longer than any retention, short enough that now minus it is a valid instant. */
export const MAX_REQUEST_DURATION = '100y';
const MAX_REQUEST_DURATION_MS = parseDuration(MAX_REQUEST_DURATION)!.ms;

/** A duration parameter (`max_age`, …) as milliseconds, or undefined when absent; out of range is a 400. */
export function parseRequestDuration(text: string | undefined, field: string): number | undefined {
  if (text === undefined) return undefined;
  const duration = parseDuration(text);
  if (!duration) throw new FleetlakeError('API_BAD_REQUEST', { detail: `${field} ${JSON.stringify(text)} is not a duration: expected ${DURATION_HELP}` });
  if (duration.ms > MAX_REQUEST_DURATION_MS) {
    throw new FleetlakeError('API_BAD_REQUEST', { detail: `${field} ${duration.text} is out of range: at most ${MAX_REQUEST_DURATION}` });
  }
  return duration.ms;
}
