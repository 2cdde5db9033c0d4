import type { District } from '../core/districts.ts';
import { pointInRings, pointSegmentDistance, ringArea, ringsBounds, segmentDistance } from './geometry.ts';

/** The sphere the generator and its tests measure distances on (IUGG mean Earth radius). */
export const EARTH_RADIUS_M = 6_371_008.8;

/** Pieces of district edges shorter than this are classified one by one as city edge or shared border. */
const EDGE_PIECE_M = 4;
/** How far either side of a district edge we probe to tell the city's edge from a border between districts. */
const PROBE_M = 0.5;

/**
 * A city in projected metres: an equirectangular projection around its centre
 * (exact enough over a city, and cheap), the districts as flat rings, and the
 * city's outer edge, meaning the parts of district edges with the city on one side only.
 * Shared borders between districts are not edges of the city, so streets may cross them.
 */
export interface City {
  readonly districts: readonly District[];
  readonly lat0: number;
  readonly lon0: number;
  /** Projection scale: x = (lon - lon0) x metresPerDegLon, y = (lat - lat0) x metresPerDegLat. */
  readonly metresPerDegLat: number;
  readonly metresPerDegLon: number;
  /** [minX, minY, maxX, maxY] in metres. */
  readonly bounds: readonly [number, number, number, number];
  readonly areaM2: number;
  /** Upper bound of (great-circle distance) / (projected distance) anywhere in the city; motion limits use it. */
  readonly stretch: number;
  toX(lon: number): number;
  toY(lat: number): number;
  toLon(x: number): number;
  toLat(y: number): number;
  /** Index of the district containing the point, or -1 outside the city. */
  districtAt(x: number, y: number): number;
  contains(x: number, y: number): boolean;
  /** True when segment AB lies inside the city, at least `margin` metres from its edge. */
  isClear(ax: number, ay: number, bx: number, by: number, margin: number): boolean;
  distanceToDistrictEdge(district: number, x: number, y: number): number;
}

interface Shape {
  readonly polygons: Float64Array[][];
  readonly bounds: [number, number, number, number];
}

export function createCity(districts: readonly District[]): City {
  let minLat = Infinity, maxLat = -Infinity, minLon = Infinity, maxLon = -Infinity;
  for (const d of districts) {
    for (const polygon of d.polygons) {
      for (const [lon, lat] of polygon[0] ?? []) {
        minLat = Math.min(minLat, lat); maxLat = Math.max(maxLat, lat);
        minLon = Math.min(minLon, lon); maxLon = Math.max(maxLon, lon);
      }
    }
  }
  const lat0 = (minLat + maxLat) / 2;
  const lon0 = (minLon + maxLon) / 2;
  const perDegLat = (EARTH_RADIUS_M * Math.PI) / 180;
  const perDegLon = perDegLat * Math.cos((lat0 * Math.PI) / 180);
  const toX = (lon: number) => (lon - lon0) * perDegLon;
  const toY = (lat: number) => (lat - lat0) * perDegLat;

  const shapes: Shape[] = districts.map((d) => {
    const polygons = d.polygons.map((polygon) =>
      polygon.map((ring) => Float64Array.from(ring.flatMap(([lon, lat]) => [toX(lon), toY(lat)]))),
    );
    return { polygons, bounds: ringsBounds(polygons.flat()) };
  });

  const districtAt = (x: number, y: number): number => {
    for (let d = 0; d < shapes.length; d++) {
      const { polygons, bounds } = shapes[d]!;
      if (x < bounds[0] || y < bounds[1] || x > bounds[2] || y > bounds[3]) continue;
      for (const rings of polygons) if (pointInRings(rings, x, y)) return d;
    }
    return -1;
  };
  const contains = (x: number, y: number) => districtAt(x, y) >= 0;
  const outerEdge = findOuterEdge(shapes, contains);

  const nearestEquator = minLat <= 0 && maxLat >= 0 ? 0 : Math.min(Math.abs(minLat), Math.abs(maxLat));
  const stretch = Math.max(1, Math.cos((nearestEquator * Math.PI) / 180) / Math.cos((lat0 * Math.PI) / 180));

  return {
    districts,
    lat0,
    lon0,
    metresPerDegLat: perDegLat,
    metresPerDegLon: perDegLon,
    bounds: ringsBounds(shapes.flatMap((s) => s.polygons.flat())),
    areaM2: shapes.reduce((sum, shape) => sum + shapeArea(shape), 0),
    stretch,
    toX,
    toY,
    toLon: (x) => lon0 + x / perDegLon,
    toLat: (y) => lat0 + y / perDegLat,
    districtAt,
    contains,
    isClear(ax, ay, bx, by, margin) {
      if (!contains(ax, ay)) return false;
      const loX = Math.min(ax, bx) - margin, hiX = Math.max(ax, bx) + margin;
      const loY = Math.min(ay, by) - margin, hiY = Math.max(ay, by) + margin;
      for (let i = 0; i < outerEdge.length; i += 4) {
        const cx = outerEdge[i]!, cy = outerEdge[i + 1]!, dx = outerEdge[i + 2]!, dy = outerEdge[i + 3]!;
        if (Math.max(cx, dx) < loX || Math.min(cx, dx) > hiX || Math.max(cy, dy) < loY || Math.min(cy, dy) > hiY) continue;
        if (segmentDistance(ax, ay, bx, by, cx, cy, dx, dy) < margin) return false;
      }
      return true;
    },
    distanceToDistrictEdge(district, x, y) {
      let best = Infinity;
      for (const rings of shapes[district]!.polygons) {
        for (const ring of rings) {
          for (let i = 0; i < ring.length - 2; i += 2) {
            best = Math.min(best, pointSegmentDistance(x, y, ring[i]!, ring[i + 1]!, ring[i + 2]!, ring[i + 3]!));
          }
        }
      }
      return best;
    },
  };
}

/** Outer rings minus holes; overlapping districts count twice, which is fine for sizing the street grid. */
function shapeArea(shape: Shape): number {
  let area = 0;
  for (const [outer, ...holes] of shape.polygons) {
    area += ringArea(outer!);
    for (const hole of holes) area -= ringArea(hole);
  }
  return area;
}

/**
 * The city's edge as segments [ax, ay, bx, by, ...]: every district edge is cut
 * into short pieces and a piece belongs to the city's edge when exactly one of
 * its two sides is inside the city. Consecutive pieces are merged again.
 */
function findOuterEdge(shapes: readonly Shape[], contains: (x: number, y: number) => boolean): Float64Array {
  const out: number[] = [];
  for (const shape of shapes) {
    for (const ring of shape.polygons.flat()) {
      for (let i = 0; i < ring.length - 2; i += 2) {
        const ax = ring[i]!, ay = ring[i + 1]!, bx = ring[i + 2]!, by = ring[i + 3]!;
        const length = Math.hypot(bx - ax, by - ay);
        if (length === 0) continue;
        const nx = (-(by - ay) / length) * PROBE_M, ny = ((bx - ax) / length) * PROBE_M;
        const pieces = Math.max(1, Math.ceil(length / EDGE_PIECE_M));
        let runStart = -1;
        for (let k = 0; k <= pieces; k++) {
          let outer = false;
          if (k < pieces) {
            const mx = ax + ((bx - ax) * (k + 0.5)) / pieces, my = ay + ((by - ay) * (k + 0.5)) / pieces;
            outer = contains(mx + nx, my + ny) !== contains(mx - nx, my - ny);
          }
          if (outer && runStart < 0) runStart = k;
          if (!outer && runStart >= 0) {
            out.push(ax + ((bx - ax) * runStart) / pieces, ay + ((by - ay) * runStart) / pieces, ax + ((bx - ax) * k) / pieces, ay + ((by - ay) * k) / pieces);
            runStart = -1;
          }
        }
      }
    }
  }
  return Float64Array.from(out);
}
