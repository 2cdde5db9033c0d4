import { cellToBoundary, cellToLatLng, compactCells, getHexagonAreaAvg, gridDisk, latLngToCell, polygonToCellsExperimental, POLYGON_TO_CELLS_FLAGS } from 'h3-js';
import { errorMessage } from '../core/errors.ts';
import type { MultiPolygonCoords } from '../core/geojson.ts';
import { H3_RESOLUTION } from '../core/names.ts';
import { EdgeIndex } from './planar.ts';

/**
 * The H3 cells an area query reads, split so that only cells an edge comes
 * near need a point-in-polygon test. H3 is the index, never the answer:
 *
 * - `boundary`: every res-8 cell within EPS of an edge (outer rings and holes).
 *   Found from the cells of the vertices by walking neighbours while they stay
 *   within EPS: the cells an edge crosses form a chain from vertex to vertex,
 *   and a cell an edge only touches, or misses by a hair, borders that chain.
 *   This needs no polygon-fill mode of H3 to be exact at the edges.
 * - `interior`: cells whose centre H3 puts inside the area (containmentCenter)
 *   that are farther than EPS from every edge and whose centre our own
 *   even-odd test also puts inside: wholly inside, tested no further.
 *
 * A position's stored cell comes from geoToH3, whose hexagon edges are
 * geodesic while this plane's are straight; they differ by under 1e-7 degrees
 * at res 8. EPS (1e-5 degrees, about a metre) covers that with a wide margin.
 */
export const EPS_DEGREES = 1e-5;

export interface AreaCover {
  /** `h3` reads the cells below; `scan` reads the whole period and tests every position. */
  readonly strategy: 'h3' | 'scan';
  /** Compacted interior cells (resolutions up to 8), as H3 hex strings. */
  readonly interior: readonly string[];
  /** Res-8 cells that need the point-in-polygon test. */
  readonly boundary: readonly string[];
  /** Res-8 cells read: interior (uncompacted) plus boundary. */
  readonly cellCount: number;
  /** Why there is no cover (strategy scan). */
  readonly reason?: string;
}

const CELL_AREA_KM2 = getHexagonAreaAvg(H3_RESOLUTION, 'km2');
const KM_PER_DEGREE = 111.32;
/** Farther than any res-8 cell reaches from its centre (edges are about 0.46 km), in degrees of latitude. */
const CELL_REACH_DEGREES = 1.5 / KM_PER_DEGREE;

/** Computes the cover, or a `scan` strategy for areas too large or where planar cells break down. */
export function coverArea(polygons: MultiPolygonCoords, maxCells: number): AreaCover {
  const points = polygons.flat(2);
  if (points.some(([lon, lat]) => Math.abs(lat) > 85 || Math.abs(lon) > 179)) {
    return scan('the area reaches within 5 degrees of a pole or 1 degree of the antimeridian, where cells are not planar');
  }
  const estimate = estimateCells(polygons);
  if (estimate > maxCells) return scan(`the area covers about ${Math.round(estimate)} res-${H3_RESOLUTION} cells, above api.max_index_cells = ${maxCells}`);

  const candidates = new Set<string>();
  for (const rings of polygons) {
    try {
      for (const cell of polygonToCellsExperimental(rings, H3_RESOLUTION, POLYGON_TO_CELLS_FLAGS.containmentCenter, true)) candidates.add(cell);
    } catch (err) {
      return scan(`H3 could not cover the area: ${errorMessage(err)}`);
    }
  }
  const edges = new EdgeIndex(polygons, EPS_DEGREES);
  const isNear = (cell: string) => edges.nearRegion(cellToBoundary(cell, true) as [number, number][]);

  const boundary = new Set<string>();
  const interior: string[] = [];
  for (const cell of candidates) {
    const [lat, lon] = cellToLatLng(cell);
    const reachLon = CELL_REACH_DEGREES / Math.cos((lat * Math.PI) / 180);
    if (edges.mayBeNear(lon - reachLon, lat - CELL_REACH_DEGREES, lon + reachLon, lat + CELL_REACH_DEGREES) && isNear(cell)) boundary.add(cell);
    // Clear of every edge, so the whole cell is on the side of its centre.
    else if (edges.contains(lon, lat)) interior.push(cell);
  }
  // Walk outward from the vertices' cells along everything within EPS of an edge.
  const frontier = points.map(([lon, lat]) => latLngToCell(lat, lon, H3_RESOLUTION));
  const visited = new Set<string>(frontier);
  for (const cell of frontier) boundary.add(cell);
  while (frontier.length > 0) {
    for (const neighbour of gridDisk(frontier.pop()!, 1)) {
      if (visited.has(neighbour)) continue;
      visited.add(neighbour);
      if (boundary.has(neighbour) || isNear(neighbour)) {
        boundary.add(neighbour);
        frontier.push(neighbour);
      }
    }
  }
  const interiorCells = interior.filter((cell) => !boundary.has(cell));
  if (interiorCells.length + boundary.size > maxCells) {
    return scan(`the area covers ${interiorCells.length + boundary.size} res-${H3_RESOLUTION} cells, above api.max_index_cells = ${maxCells}`);
  }
  return {
    strategy: 'h3',
    interior: compactCells(interiorCells),
    boundary: [...boundary].sort(),
    cellCount: interiorCells.length + boundary.size,
  };
}

function scan(reason: string): AreaCover {
  return { strategy: 'scan', interior: [], boundary: [], cellCount: 0, reason };
}

/** Outer-ring area over the mean cell area, plus a perimeter allowance: an upper-ish bound, before asking H3. */
function estimateCells(polygons: MultiPolygonCoords): number {
  let cells = 0;
  for (const [outer] of polygons) {
    if (!outer) continue;
    const meanLat = outer.reduce((sum, [, lat]) => sum + lat, 0) / outer.length;
    const kmPerLon = KM_PER_DEGREE * Math.cos((meanLat * Math.PI) / 180);
    let twiceArea = 0;
    let perimeterKm = 0;
    for (let i = 0; i + 1 < outer.length; i++) {
      const [x1, y1] = outer[i]!;
      const [x2, y2] = outer[i + 1]!;
      twiceArea += x1 * y2 - x2 * y1;
      perimeterKm += Math.hypot((x2 - x1) * kmPerLon, (y2 - y1) * KM_PER_DEGREE);
    }
    const areaKm2 = (Math.abs(twiceArea) / 2) * kmPerLon * KM_PER_DEGREE;
    cells += areaKm2 / CELL_AREA_KM2 + perimeterKm / Math.sqrt(CELL_AREA_KM2) + 1;
  }
  return cells;
}
