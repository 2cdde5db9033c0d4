import { cellToBoundary, cellToChildren, getResolution, latLngToCell, uncompactCells } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { loadDistricts } from '../core/districts.ts';
import type { MultiPolygonCoords } from '../core/geojson.ts';
import { seededRandom } from './testing/seeded-random.ts';
import { coverArea, EPS_DEGREES } from './area-cover.ts';
import { EdgeIndex, pointInRings } from './planar.ts';
import { findMisassignedPoint, slabAgainstEdge } from './testing/adversarial.ts';
import { AREA_KINDS, randomArea } from './testing/random-areas.ts';

const MONTREAL: [number, number] = [-73.6, 45.52];

function inside(polygons: MultiPolygonCoords, lon: number, lat: number): boolean {
  return polygons.some((rings) => pointInRings(lon, lat, rings));
}

/** Points to probe an area with: random ones around it, its vertices, and points on and just off its edges. */
function probes(polygons: MultiPolygonCoords, seed: number, count: number): [number, number][] {
  const random = seededRandom(seed);
  const all = polygons.flat(2);
  const lons = all.map(([x]) => x);
  const lats = all.map(([, y]) => y);
  const [minX, maxX, minY, maxY] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  const pad = Math.max(maxX - minX, maxY - minY, 0.001) * 0.2;
  const out: [number, number][] = [];
  for (let i = 0; i < count; i++) out.push([minX - pad + random.float() * (maxX - minX + 2 * pad), minY - pad + random.float() * (maxY - minY + 2 * pad)]);
  for (const ring of polygons.flat()) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const [ax, ay] = ring[i]!;
      const [bx, by] = ring[i + 1]!;
      out.push([ax, ay]);
      for (const t of [random.float(), random.float(), 0.5]) {
        const [x, y] = [ax + t * (bx - ax), ay + t * (by - ay)];
        out.push([x, y], [x + 1e-7, y - 1e-7], [x - 1e-7, y + 1e-7]);
      }
    }
  }
  return out;
}

function expectSoundCover(polygons: MultiPolygonCoords, seed: number): void {
  const cover = coverArea(polygons, 1_000_000);
  expect(cover.strategy).toBe('h3');
  const interior = new Set(uncompactCells([...cover.interior], 8));
  const boundary = new Set(cover.boundary);
  expect([...interior].filter((c) => boundary.has(c))).toEqual([]);
  expect(cover.cellCount).toBe(interior.size + boundary.size);
  const near = new EdgeIndex(polygons, EPS_DEGREES);
  const veryNear = new EdgeIndex(polygons, EPS_DEGREES / 2);
  for (const [lon, lat] of probes(polygons, seed, 3000)) {
    const cell = latLngToCell(lat, lon, 8);
    const point: [number, number][] = [[lon, lat], [lon, lat]];
    // Anything inside or on an edge must be read...
    if (inside(polygons, lon, lat) || near.nearRegion(point)) expect(interior.has(cell) || boundary.has(cell), `${lon},${lat} in ${cell}`).toBe(true);
    // ...and a cell taken without testing must hold only points clearly inside.
    if (interior.has(cell)) {
      expect(inside(polygons, lon, lat), `${lon},${lat} in interior ${cell}`).toBe(true);
      expect(veryNear.nearRegion(point)).toBe(false);
    }
  }
}

describe('coverArea', () => {
  it('covers every kind of area soundly: nothing inside is missed, nothing untested lies outside', () => {
    const random = seededRandom(11);
    for (let i = 0; i < 40; i++) {
      const kind = AREA_KINDS[i % AREA_KINDS.length]!;
      if (kind === 'city' && i > AREA_KINDS.length) continue; // one city-sized area is enough for a unit test
      expectSoundCover(randomArea(random, kind, [MONTREAL[0] + random.float() * 0.1, MONTREAL[1] + random.float() * 0.05]).polygons, i);
    }
  });

  it('covers the built-in districts, which share edges', () => {
    for (const [i, district] of loadDistricts().entries()) expectSoundCover(district.polygons, 100 + i);
  });

  it('keeps an area smaller than one cell to that cell, plus any neighbour its edges come near', () => {
    const cell = latLngToCell(45.52, -73.6, 8);
    const [lat, lon] = [45.52, -73.6];
    const cover = coverArea([[[[lon, lat], [lon + 0.0001, lat], [lon, lat + 0.0001], [lon, lat]]]], 100);
    expect(cover.interior).toEqual([]);
    expect(cover.boundary).toContain(cell);
    expect(cover.boundary.length).toBeLessThanOrEqual(3);
  });

  it('puts the neighbours that a polygon drawn on cell edges only touches among the tested cells', () => {
    const cell = latLngToCell(45.52, -73.6, 8);
    const outline = cellToBoundary(cell, true) as [number, number][];
    const cover = coverArea([[outline]], 100);
    // Six neighbours share an edge with the outline: their positions on it must be tested, not skipped.
    expect(cover.boundary).toHaveLength(7);
    expect(cover.boundary).toContain(cell);
  });

  it("reads the cell geoToH3 gives a point inside the area even when the area only comes within 1e-8 degrees of that cell", () => {
    const point = findMisassignedPoint(45.52, -73.6);
    expect(point.assignedCell).not.toBe(point.planarCell);
    const slab = slabAgainstEdge(point);
    expect(pointInRings(point.lon, point.lat, slab[0]!)).toBe(true);
    expect(coverArea(slab, 100).boundary).toContain(point.assignedCell);
  });

  it('compacts the interior of a large area', () => {
    const area = randomArea(seededRandom(3), 'city', MONTREAL);
    const cover = coverArea(area.polygons, 1_000_000);
    expect(cover.cellCount).toBeGreaterThan(1000);
    expect(cover.interior.length).toBeLessThan(cover.cellCount / 3);
    expect(cover.interior.some((c) => getResolution(c) < 8)).toBe(true);
    expect(cellToChildren(cover.interior[0]!, 8).length).toBeGreaterThan(0);
  });

  it('falls back to a scan, saying why, for areas above the cell cap or near a pole or the antimeridian', () => {
    const big = coverArea(randomArea(seededRandom(5), 'city', MONTREAL).polygons, 500);
    expect(big).toMatchObject({ strategy: 'scan', interior: [], boundary: [], cellCount: 0 });
    expect(big.reason).toContain('api.max_index_cells = 500');
    const polar = coverArea([[[[10, 86], [11, 86], [11, 87], [10, 86]]]], 1_000_000);
    expect(polar.strategy).toBe('scan');
    expect(polar.reason).toContain('pole');
    const dateline = coverArea([[[[179.5, 10], [179.9, 10], [179.9, 11], [179.5, 10]]]], 1_000_000);
    expect(dateline.strategy).toBe('scan');
  });
});
