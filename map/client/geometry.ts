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

/** Even-odd ray casting over every ring, holes included, as the live district counts need it (the lake's own test is exact; this is for display). */
export function insideMultiPolygon(lon: number, lat: number, polygons: MultiPolygon): boolean {
  let inside = false;
  for (const polygon of polygons) {
    for (const ring of polygon) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i]!;
        const [xj, yj] = ring[j]!;
        if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
      }
    }
  }
  return inside;
}

/** The middle of the box, where a district's name is written. */
export function labelPoint(polygons: MultiPolygon): Position {
  const box = boxOf(polygons);
  return [(box.minLon + box.maxLon) / 2, (box.minLat + box.maxLat) / 2];
}
