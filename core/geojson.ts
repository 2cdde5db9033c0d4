/**
 * GeoJSON areas (Polygon, MultiPolygon) as fleetlake accepts them: validated
 * with errors that name the exact ring and point, and normalised to
 * MultiPolygon coordinates ([polygon][ring][point][lon, lat]).
 */
export type Ring = [number, number][];
export type PolygonCoords = Ring[];
export type MultiPolygonCoords = PolygonCoords[];

export interface AreaGeometry {
  readonly type: 'Polygon' | 'MultiPolygon';
  readonly coordinates: unknown;
}

export type AreaCheck =
  | { readonly ok: true; readonly polygons: MultiPolygonCoords; readonly vertices: number }
  | { readonly ok: false; readonly message: string };

/** Validates a Polygon or MultiPolygon geometry; `path` prefixes messages (e.g. "area"). */
export function checkArea(geometry: unknown, path = 'area', maxVertices = Number.POSITIVE_INFINITY): AreaCheck {
  if (typeof geometry !== 'object' || geometry === null) return fail(`${path} must be a GeoJSON Polygon or MultiPolygon object`);
  const { type, coordinates } = geometry as Record<string, unknown>;
  let polygons: unknown[];
  if (type === 'Polygon') polygons = [coordinates];
  else if (type === 'MultiPolygon') {
    if (!Array.isArray(coordinates) || coordinates.length === 0) return fail(`${path}.coordinates must be a non-empty array of polygons`);
    polygons = coordinates;
  } else return fail(`${path}.type must be "Polygon" or "MultiPolygon", not ${JSON.stringify(type)}`);

  const out: MultiPolygonCoords = [];
  let vertices = 0;
  for (let p = 0; p < polygons.length; p++) {
    const polygonPath = type === 'Polygon' ? `${path}.coordinates` : `${path}.coordinates[${p}]`;
    const rings = polygons[p];
    if (!Array.isArray(rings) || rings.length === 0) return fail(`${polygonPath} must be a non-empty array of linear rings`);
    const polygon: PolygonCoords = [];
    for (let r = 0; r < rings.length; r++) {
      const ringPath = `${polygonPath}[${r}]`;
      const ring = rings[r];
      if (!Array.isArray(ring)) return fail(`${ringPath} must be an array of [lon, lat] positions`);
      if (ring.length < 4) return fail(`${ringPath} has ${ring.length} positions; a linear ring needs at least 4 (3 corners and the first repeated)`);
      const points: Ring = [];
      for (let i = 0; i < ring.length; i++) {
        const point = ring[i];
        if (!Array.isArray(point) || point.length < 2 || typeof point[0] !== 'number' || typeof point[1] !== 'number' || !Number.isFinite(point[0]) || !Number.isFinite(point[1])) {
          return fail(`${ringPath}[${i}] must be a [lon, lat] pair of numbers`);
        }
        const [lon, lat] = point as [number, number];
        if (lon < -180 || lon > 180) return fail(`${ringPath}[${i}] longitude ${lon} is outside -180..180`);
        if (lat < -90 || lat > 90) return fail(`${ringPath}[${i}] latitude ${lat} is outside -90..90`);
        points.push([lon, lat]);
      }
      const first = points[0]!;
      const last = points[points.length - 1]!;
      if (first[0] !== last[0] || first[1] !== last[1]) return fail(`${ringPath} is not closed: its last position must repeat its first`);
      if (new Set(points.slice(0, -1).map(([x, y]) => `${x},${y}`)).size < 3) return fail(`${ringPath} has fewer than 3 distinct corners`);
      vertices += points.length;
      if (vertices > maxVertices) return fail(`${path} has more than ${maxVertices} vertices; simplify it`);
      polygon.push(points);
    }
    out.push(polygon);
  }
  return { ok: true, polygons: out, vertices };
}

function fail(message: string): AreaCheck {
  return { ok: false, message };
}
