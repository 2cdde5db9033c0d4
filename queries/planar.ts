import type { MultiPolygonCoords, Ring } from '../core/geojson.ts';

/**
 * Plane geometry on (lon, lat) in degrees: ClickHouse's pointInPolygon and
 * H3's polygon modes both treat polygon edges as straight lines in this plane,
 * so the cover is reasoned about in the same plane.
 */

/** Even-odd test over all rings of one polygon (outer ring and holes); points on an edge are not decided reliably. */
export function pointInRings(x: number, y: number, rings: readonly Ring[]): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!;
      const [xj, yj] = ring[j]!;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

function pointSegmentDistanceSq(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSq = dx * dx + dy * dy;
  const t = lengthSq === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / lengthSq));
  const cx = ax + t * dx - px;
  const cy = ay + t * dy - py;
  return cx * cx + cy * cy;
}

function orientation(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return Math.sign((bx - ax) * (cy - ay) - (by - ay) * (cx - ax));
}

/** Squared distance between segments AB and CD; 0 when they cross or touch. */
export function segmentDistanceSq(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): number {
  const o1 = orientation(ax, ay, bx, by, cx, cy);
  const o2 = orientation(ax, ay, bx, by, dx, dy);
  const o3 = orientation(cx, cy, dx, dy, ax, ay);
  const o4 = orientation(cx, cy, dx, dy, bx, by);
  if (o1 * o2 < 0 && o3 * o4 < 0) return 0;
  return Math.min(
    pointSegmentDistanceSq(ax, ay, cx, cy, dx, dy),
    pointSegmentDistanceSq(bx, by, cx, cy, dx, dy),
    pointSegmentDistanceSq(cx, cy, ax, ay, bx, by),
    pointSegmentDistanceSq(dx, dy, ax, ay, bx, by),
  );
}

/**
 * Every edge of an area (outer rings and holes), bucketed on a grid so
 * "does any edge come within eps of this region" looks at nearby edges only.
 */
export class EdgeIndex {
  private readonly edges: Float64Array;
  private readonly buckets = new Map<number, number[]>();
  private readonly originX: number;
  private readonly originY: number;
  private readonly size: number;
  private readonly columns: number;

  constructor(polygons: MultiPolygonCoords, private readonly eps: number) {
    const flat: number[] = [];
    for (const rings of polygons) {
      for (const ring of rings) {
        for (let i = 0; i + 1 < ring.length; i++) flat.push(ring[i]![0], ring[i]![1], ring[i + 1]![0], ring[i + 1]![1]);
      }
    }
    this.edges = Float64Array.from(flat);
    let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
    for (let i = 0; i < flat.length; i += 2) {
      minX = Math.min(minX, flat[i]!);
      maxX = Math.max(maxX, flat[i]!);
      minY = Math.min(minY, flat[i + 1]!);
      maxY = Math.max(maxY, flat[i + 1]!);
    }
    // About a res-8 cell per bucket, and no more than 256 x 256 buckets.
    this.size = Math.max(0.005, (maxX - minX) / 256, (maxY - minY) / 256);
    this.originX = minX - 2 * eps;
    this.originY = minY - 2 * eps;
    this.columns = Math.floor((maxX - this.originX + 2 * eps) / this.size) + 1;
    for (let e = 0; e < this.edges.length / 4; e++) this.register(e);
  }

  private register(e: number): void {
    const [ax, ay, bx, by] = this.edge(e);
    const { eps, size } = this;
    const rowFrom = this.row(Math.min(ay, by) - eps);
    const rowTo = this.row(Math.max(ay, by) + eps);
    for (let row = rowFrom; row <= rowTo; row++) {
      // The part of the segment within this row's band (widened by eps), then its x extent.
      let xFrom = Math.min(ax, bx);
      let xTo = Math.max(ax, bx);
      if (ay !== by) {
        const bandLow = this.originY + row * size - eps;
        const bandHigh = this.originY + (row + 1) * size + eps;
        const t0 = Math.max(0, Math.min(1, (bandLow - ay) / (by - ay)));
        const t1 = Math.max(0, Math.min(1, (bandHigh - ay) / (by - ay)));
        xFrom = Math.min(ax + t0 * (bx - ax), ax + t1 * (bx - ax));
        xTo = Math.max(ax + t0 * (bx - ax), ax + t1 * (bx - ax));
      }
      for (let column = this.column(xFrom - eps); column <= this.column(xTo + eps); column++) {
        const key = row * this.columns + column;
        const bucket = this.buckets.get(key);
        if (bucket) bucket.push(e);
        else this.buckets.set(key, [e]);
      }
    }
  }

  private row(y: number): number {
    return Math.floor((y - this.originY) / this.size);
  }

  private column(x: number): number {
    return Math.max(0, Math.min(this.columns - 1, Math.floor((x - this.originX) / this.size)));
  }

  /** Edges registered in the buckets of a box widened by eps, each once. */
  private edgesNear(minX: number, minY: number, maxX: number, maxY: number): Set<number> {
    const found = new Set<number>();
    for (let row = this.row(minY - this.eps); row <= this.row(maxY + this.eps); row++) {
      for (let column = this.column(minX - this.eps); column <= this.column(maxX + this.eps); column++) {
        for (const e of this.buckets.get(row * this.columns + column) ?? []) found.add(e);
      }
    }
    return found;
  }

  /** False when no edge can come near the box: the cheap test before `nearRegion`. */
  mayBeNear(minX: number, minY: number, maxX: number, maxY: number): boolean {
    for (let row = this.row(minY - this.eps); row <= this.row(maxY + this.eps); row++) {
      for (let column = this.column(minX - this.eps); column <= this.column(maxX + this.eps); column++) {
        if (this.buckets.has(row * this.columns + column)) return true;
      }
    }
    return false;
  }

  /** True when some edge lies within eps of the filled region bounded by `ring` (closed). */
  nearRegion(ring: Ring): boolean {
    let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const [x, y] of ring) {
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
    const epsSq = this.eps * this.eps;
    for (const e of this.edgesNear(minX, minY, maxX, maxY)) {
      const [ax, ay, bx, by] = this.edge(e);
      if (pointInRings(ax, ay, [ring])) return true;
      for (let i = 0; i + 1 < ring.length; i++) {
        if (segmentDistanceSq(ax, ay, bx, by, ring[i]![0], ring[i]![1], ring[i + 1]![0], ring[i + 1]![1]) <= epsSq) return true;
      }
    }
    return false;
  }

  /**
   * Even-odd test over every edge of the area, casting the ray along the
   * point's grid row: only that row's buckets to the right can hold a crossing.
   */
  contains(x: number, y: number): boolean {
    const row = this.row(y);
    const crossing = new Set<number>();
    for (let column = this.column(x); column < this.columns; column++) {
      for (const e of this.buckets.get(row * this.columns + column) ?? []) crossing.add(e);
    }
    let inside = false;
    for (const e of crossing) {
      const [xi, yi, xj, yj] = this.edge(e);
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }

  private edge(e: number): [number, number, number, number] {
    return [this.edges[4 * e]!, this.edges[4 * e + 1]!, this.edges[4 * e + 2]!, this.edges[4 * e + 3]!];
  }
}
