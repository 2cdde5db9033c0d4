import { cellsToMultiPolygon, gridDisk, latLngToCell } from 'h3-js';
import type { MultiPolygonCoords, Ring } from '../../core/geojson.ts';
import { H3_RESOLUTION } from '../../core/names.ts';
import type { SeededRandom } from './seeded-random.ts';

/** The shapes the exactness tests throw at the API. */
export const AREA_KINDS = ['star', 'holed', 'multi', 'tiny', 'city', 'hexes', 'grid-rect', 'sliver'] as const;
export type AreaKind = (typeof AREA_KINDS)[number];

export interface RandomArea {
  readonly kind: AreaKind;
  readonly polygons: MultiPolygonCoords;
  /** The same area as a GeoJSON geometry, for request bodies. */
  readonly geometry: { readonly type: 'Polygon' | 'MultiPolygon'; readonly coordinates: MultiPolygonCoords | MultiPolygonCoords[number] };
}

const KM_PER_DEGREE = 111.32;

/** A point `km` away from (lon, lat) at `angle` radians, on the plane. */
function offset(lon: number, lat: number, km: number, angle: number): [number, number] {
  return [lon + (km * Math.cos(angle)) / (KM_PER_DEGREE * Math.cos((lat * Math.PI) / 180)), lat + (km * Math.sin(angle)) / KM_PER_DEGREE];
}

/**
 * A star-shaped (generally concave) simple ring: one vertex in each of
 * `vertices` equal sectors around the centre, at a radius between `inner` and
 * 1 times `km`. One vertex per sector keeps the centre in its kernel, so the
 * ring never crosses itself (ClickHouse refuses self-intersecting areas).
 */
function starRing(random: SeededRandom, lon: number, lat: number, km: number, vertices: number, inner = 0.3): Ring {
  const angles = Array.from({ length: vertices }, (_, i) => ((i + 0.1 + 0.8 * random.float()) / vertices) * 2 * Math.PI);
  const ring = angles.map((a) => offset(lon, lat, km * (inner + (1 - inner) * random.float()), a));
  ring.push(ring[0]!);
  return ring;
}

function between(random: SeededRandom, lo: number, hi: number): number {
  return lo + (hi - lo) * random.float();
}

/** A random area of the given kind around `center` ([lon, lat]). */
export function randomArea(random: SeededRandom, kind: AreaKind, [lon, lat]: readonly [number, number]): RandomArea {
  const polygons = shape(random, kind, lon, lat);
  const geometry = polygons.length === 1 ? { type: 'Polygon' as const, coordinates: polygons[0]! } : { type: 'MultiPolygon' as const, coordinates: polygons };
  return { kind, polygons, geometry };
}

function shape(random: SeededRandom, kind: AreaKind, lon: number, lat: number): MultiPolygonCoords {
  switch (kind) {
    case 'star':
      return [[starRing(random, lon, lat, between(random, 0.05, 3), 5 + random.int(40))]];
    case 'holed': {
      const km = between(random, 0.3, 3);
      // Inner radii stay below 0.3 of the outer's smallest: the hole is strictly inside.
      return [[starRing(random, lon, lat, km, 6 + random.int(20)), starRing(random, lon, lat, km * 0.25, 3 + random.int(10), 0.5)]];
    }
    case 'multi': {
      const km = between(random, 0.1, 1.5);
      const parts = 2 + random.int(2);
      return Array.from({ length: parts }, (_, i) => {
        const [x, y] = offset(lon, lat, i * km * 3, random.float() * 0.5);
        return [starRing(random, x, y, km, 4 + random.int(12))];
      });
    }
    case 'tiny':
      // Metres across: well inside one res-8 cell, or straddling two.
      return [[starRing(random, lon, lat, between(random, 0.003, 0.04), 3 + random.int(4))]];
    case 'city':
      return [[starRing(random, lon, lat, between(random, 22, 35), 20 + random.int(60), 0.7)]];
    case 'hexes': {
      // Edges lying exactly on H3 cell edges: the cells beyond them are only touched.
      const cells = gridDisk(latLngToCell(lat, lon, H3_RESOLUTION), random.int(4));
      return cellsToMultiPolygon(cells, true) as MultiPolygonCoords;
    }
    case 'grid-rect': {
      // Vertices on the micro-degree grid the lake stores, so stored positions fall exactly on its edges.
      const round = (v: number) => Math.round(v * 1e6) / 1e6;
      const [x0, y0] = [round(lon - between(random, 0.0005, 0.01)), round(lat - between(random, 0.0005, 0.01))];
      const [x1, y1] = [round(lon + between(random, 0.0005, 0.01)), round(lat + between(random, 0.0005, 0.01))];
      return [[[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]];
    }
    case 'sliver': {
      // A long, thin street-like strip at a random angle: few cells, many edge crossings.
      const angle = random.float() * Math.PI;
      const [ax, ay] = offset(lon, lat, between(random, 0.3, 2), angle);
      const [bx, by] = offset(lon, lat, between(random, 0.3, 2), angle + Math.PI);
      const width = between(random, 0.005, 0.03) / KM_PER_DEGREE;
      const [nx, ny] = [-Math.sin(angle) * width, Math.cos(angle) * width];
      return [[[[ax + nx, ay + ny], [bx + nx, by + ny], [bx - nx, by - ny], [ax - nx, ay - ny], [ax + nx, ay + ny]]]];
    }
  }
}
