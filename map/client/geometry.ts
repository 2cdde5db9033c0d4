import { pointInRings } from '../../queries/planar.ts';

export type Position = [number, number];
export type MultiPolygon = Position[][][];

export interface Box {
  readonly minLon: number;
  readonly minLat: number;
  readonly maxLon: number;
  readonly maxLat: number;
}

export function boxOf(polygons: MultiPolygon): Box {
  let minLon = Infinity, minLat = Infinity, maxLon = -Infinity, maxLat = -Infinity;
  for (const polygon of polygons) {
    for (const [lon, lat] of polygon[0] ?? []) {
      minLon = Math.min(minLon, lon);
      maxLon = Math.max(maxLon, lon);
      minLat = Math.min(minLat, lat);
      maxLat = Math.max(maxLat, lat);
    }
  }
  return { minLon, minLat, maxLon, maxLat };
}

/** For the live district counts, with the API's own plane geometry (queries/planar.ts, bundled into the page). */
export function insideMultiPolygon(lon: number, lat: number, polygons: MultiPolygon): boolean {
  return polygons.some((rings) => pointInRings(lon, lat, rings));
}

/** The middle of the box, where a district's name is written. */
export function labelPoint(polygons: MultiPolygon): Position {
  const box = boxOf(polygons);
  return [(box.minLon + box.maxLon) / 2, (box.minLat + box.maxLat) / 2];
}
