import { cellToBoundary, gridDisk, latLngToCell } from 'h3-js';
import type { MultiPolygonCoords } from '../../core/geojson.ts';
import { H3_RESOLUTION } from '../../core/names.ts';
import { pointInRings } from '../planar.ts';

/**
 * A stored-grid point (micro-degrees) that lies inside one cell's planar
 * outline while geoToH3 puts it in the neighbour across that edge: H3's edges
 * are geodesic, the plane's are straight, and they part by about 1e-8 degrees.
 */
export interface MisassignedPoint {
  readonly lon: number;
  readonly lat: number;
  /** The cell whose straight-edged outline holds the point. */
  readonly planarCell: string;
  /** The cell geoToH3 (and latLngToCell) gives the point. */
  readonly assignedCell: string;
  /** Distance from the shared edge, degrees. */
  readonly distance: number;
  /** The shared edge, [lon, lat] ends. */
  readonly edge: readonly [[number, number], [number, number]];
}

/** Finds the clearest such point among the cells around (lat, lon). */
export function findMisassignedPoint(lat: number, lon: number): MisassignedPoint {
  let best: MisassignedPoint | undefined;
  for (const cell of gridDisk(latLngToCell(lat, lon, H3_RESOLUTION), 1)) {
    const ring = cellToBoundary(cell, true) as [number, number][];
    for (let e = 0; e + 1 < ring.length; e++) {
      const [ax, ay] = ring[e]!;
      const [bx, by] = ring[e + 1]!;
      const length = Math.hypot(bx - ax, by - ay);
      for (let k = 1; k < 2000; k++) {
        const x = Math.round((ax + (k / 2000) * (bx - ax)) * 1e6) / 1e6;
        const y = Math.round((ay + (k / 2000) * (by - ay)) * 1e6) / 1e6;
        const assigned = latLngToCell(y, x, H3_RESOLUTION);
        if (assigned === cell || !pointInRings(x, y, [ring])) continue;
        const distance = Math.abs((bx - ax) * (ay - y) - (ax - x) * (by - ay)) / length;
        if (!best || distance > best.distance) best = { lon: x, lat: y, planarCell: cell, assignedCell: assigned, distance, edge: [[ax, ay], [bx, by]] };
      }
    }
  }
  if (!best) throw new Error(`no misassigned grid point near ${lat},${lon}`);
  return best;
}

/**
 * A thin quadrilateral inside the planar cell, one side parallel to the shared
 * edge at half the point's distance from it: the point is inside the area,
 * while the cell geoToH3 gives it is never touched, only approached to within
 * about 1e-8 degrees. A cover without a margin misses the point.
 */
export function slabAgainstEdge(point: MisassignedPoint): MultiPolygonCoords {
  const [[ax, ay], [bx, by]] = point.edge;
  const length = Math.hypot(bx - ax, by - ay);
  let [nx, ny] = [-(by - ay) / length, (bx - ax) / length];
  // Point the normal into the planar cell, the side the point is on.
  if ((point.lon - ax) * nx + (point.lat - ay) * ny < 0) [nx, ny] = [-nx, -ny];
  const near = point.distance / 2;
  const far = 0.001;
  return [[[
    [ax + nx * near, ay + ny * near],
    [bx + nx * near, by + ny * near],
    [bx + nx * far, by + ny * far],
    [ax + nx * far, ay + ny * far],
    [ax + nx * near, ay + ny * near],
  ]]];
}
