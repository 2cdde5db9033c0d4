import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FleetlakeError, errorMessage } from './errors.ts';
import { checkArea, type MultiPolygonCoords } from './geojson.ts';

/**
 * A city's districts: the generator's home areas for vehicles and the lake's
 * named areas (fleet.districts, `{"district_id": ...}` in area queries). Given as
 * a GeoJSON FeatureCollection of Polygon/MultiPolygon features with an `id`
 * (feature id or properties.id) and an optional properties.name.
 */
export interface District {
  readonly id: string;
  readonly name: string;
  readonly polygons: MultiPolygonCoords;
}

/** The built-in city: 16 districts tiling Montréal, centred near 45.52 N, 73.61 W. */
export const DEFAULT_DISTRICTS_FILE = fileURLToPath(new URL('./districts/montreal.geojson', import.meta.url));

export function loadDistricts(file: string = DEFAULT_DISTRICTS_FILE): District[] {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new FleetlakeError('USAGE', { detail: `districts file ${file}: ${errorMessage(err)}` });
  }
  return parseDistricts(value, file);
}

export function parseDistricts(value: unknown, source = 'districts'): District[] {
  const bad = (message: string) => new FleetlakeError('USAGE', { detail: `${source}: ${message}` });
  if (typeof value !== 'object' || value === null || (value as { type?: unknown }).type !== 'FeatureCollection') {
    throw bad('must be a GeoJSON FeatureCollection');
  }
  const features = (value as { features?: unknown }).features;
  if (!Array.isArray(features) || features.length === 0) throw bad('has no features');
  const seen = new Set<string>();
  return features.map((feature: unknown, i) => {
    const f = (feature ?? {}) as { id?: unknown; properties?: Record<string, unknown> | null; geometry?: unknown };
    const rawId = f.properties?.id ?? f.id;
    if ((typeof rawId !== 'string' && typeof rawId !== 'number') || String(rawId) === '') throw bad(`features[${i}] needs an id (feature id or properties.id)`);
    const id = String(rawId);
    if (seen.has(id)) throw bad(`features[${i}] repeats district id ${JSON.stringify(id)}`);
    seen.add(id);
    const area = checkArea(f.geometry, `features[${i}].geometry`);
    if (!area.ok) throw bad(area.message);
    const name = typeof f.properties?.name === 'string' ? f.properties.name : id;
    return { id, name, polygons: area.polygons };
  });
}
