import type { LivePosition } from '../../queries/live-feed.ts';
import { TYPE_ORDER } from './vehicle-style.ts';
import { boxOf, insideMultiPolygon, type Box, type MultiPolygon } from './geometry.ts';

/** Floats per vehicle in LiveFrame.gpu: x and y (Web Mercator, from the frame's origin), heading, type, seen. */
export const GPU_STRIDE = 5;

/**
 * Every live vehicle packed for the page: the worker (live-worker.ts) builds
 * one per batch of events and hands its buffers over; the main thread only
 * uploads `gpu` to WebGL (vehicle-layer.ts) and reads the rest when a
 * vehicle is clicked.
 */
export interface LiveFrame {
  readonly kind: 'frame';
  readonly count: number;
  /** Ids from slot `idsFrom` on; the page keeps the earlier ones (slots only grow until a snapshot). */
  readonly idsFrom: number;
  readonly ids: readonly string[];
  /** Web Mercator (0..1) of the point the gpu positions are relative to: float32 keeps a street's precision near it. */
  readonly origin: readonly [number, number];
  /** ms since the epoch that `seen` counts seconds from. */
  readonly timeBase: number;
  /** count × GPU_STRIDE floats: dx, dy, heading (deg), type (index in TYPE_ORDER, or its length for other types), seen (s since timeBase). */
  readonly gpu: Float32Array;
  /** count × 2 floats: lon, lat. */
  readonly lonLat: Float64Array;
  /** count floats: km/h. */
  readonly speed: Float32Array;
  /** count ms since the epoch: when each was last seen (gpu's seen is too coarse for a clock). */
  readonly seenMs: Float64Array;
  /** count type names (strings repeat, so the copy is of references). */
  readonly types: readonly string[];
}

/** How many vehicles each district holds now, and how many vehicles are stale. */
export interface LiveCounts {
  readonly kind: 'counts';
  readonly total: number;
  readonly stale: number;
  readonly byDistrict: readonly (readonly [string, number])[];
}

export interface LiveDistrict {
  readonly id: string;
  readonly polygons: MultiPolygon;
}

export function mercatorX(lon: number): number {
  return (lon + 180) / 360;
}

export function mercatorY(lat: number): number {
  return (180 - (180 / Math.PI) * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))) / 360;
}

/**
 * The live fleet as GET /v1/live's events leave it, one slot per vehicle in
 * growable typed arrays: no object per vehicle survives an event, so ten
 * thousand updates a second make no garbage beyond the parsed JSON.
 */
export class LiveState {
  private readonly slots = new Map<string, number>();
  private ids: string[] = [];
  private types: string[] = [];
  private gpu = new Float32Array(0);
  private lonLat = new Float64Array(0);
  private speed = new Float32Array(0);
  private seenMs = new Float64Array(0);
  private origin: [number, number] | undefined;
  /** Slots whose id the page has not been sent yet. */
  private idsSent = 0;
  private districts: (LiveDistrict & { box: Box })[] = [];

  constructor(
    private readonly staleAfterMs: number,
    readonly timeBase: number,
  ) {}

  /** The districts counted in (they come after the stream starts, which need not wait for them). */
  setDistricts(districts: readonly LiveDistrict[]): void {
    this.districts = districts.map((d) => ({ ...d, box: boxOf(d.polygons) }));
  }

  get count(): number {
    return this.ids.length;
  }

  apply(kind: 'snapshot' | 'changes', positions: readonly LivePosition[]): void {
    if (kind === 'snapshot') {
      this.slots.clear();
      this.ids = [];
      this.types = [];
      this.idsSent = 0;
    }
    for (const p of positions) {
      let slot = this.slots.get(p.vehicle_id);
      if (slot === undefined) {
        slot = this.ids.length;
        this.slots.set(p.vehicle_id, slot);
        this.ids.push(p.vehicle_id);
        this.types.push(p.vehicle_type);
        this.grow(slot + 1);
      }
      this.origin ??= [mercatorX(p.lon), mercatorY(p.lat)];
      const seen = Date.parse(p.ts);
      const g = slot * GPU_STRIDE;
      this.gpu[g] = mercatorX(p.lon) - this.origin[0];
      this.gpu[g + 1] = mercatorY(p.lat) - this.origin[1];
      this.gpu[g + 2] = p.heading_deg;
      const type = TYPE_ORDER.indexOf(p.vehicle_type);
      this.gpu[g + 3] = type < 0 ? TYPE_ORDER.length : type;
      this.gpu[g + 4] = (seen - this.timeBase) / 1000;
      this.lonLat[slot * 2] = p.lon;
      this.lonLat[slot * 2 + 1] = p.lat;
      this.speed[slot] = p.speed_kmh;
      this.seenMs[slot] = seen;
      this.types[slot] = p.vehicle_type;
    }
  }

  /** A copy of every vehicle for the page, with the ids it has not had yet. */
  frame(): LiveFrame {
    const n = this.count;
    const idsFrom = this.idsSent;
    this.idsSent = n;
    return {
      kind: 'frame',
      count: n,
      idsFrom,
      ids: this.ids.slice(idsFrom),
      origin: this.origin ?? [0.5, 0.5],
      timeBase: this.timeBase,
      gpu: this.gpu.slice(0, n * GPU_STRIDE),
      lonLat: this.lonLat.slice(0, n * 2),
      speed: this.speed.slice(0, n),
      seenMs: this.seenMs.slice(0, n),
      types: this.types.slice(),
    };
  }

  /** Vehicles per district, counting only those seen within staleAfterMs of now; each vehicle in its first district. */
  counts(now: number): LiveCounts {
    const byDistrict = new Map(this.districts.map((d) => [d.id, 0]));
    let stale = 0;
    for (let slot = 0; slot < this.count; slot++) {
      if (now - this.seenMs[slot]! > this.staleAfterMs) {
        stale++;
        continue;
      }
      const lon = this.lonLat[slot * 2]!;
      const lat = this.lonLat[slot * 2 + 1]!;
      const inside = this.districts.find((d) => lon >= d.box.minLon && lon <= d.box.maxLon && lat >= d.box.minLat && lat <= d.box.maxLat && insideMultiPolygon(lon, lat, d.polygons));
      if (inside) byDistrict.set(inside.id, byDistrict.get(inside.id)! + 1);
    }
    return { kind: 'counts', total: this.count, stale, byDistrict: [...byDistrict] };
  }

  private grow(needed: number): void {
    if (needed <= this.speed.length) return;
    const capacity = Math.max(1024, this.speed.length * 2, needed);
    const gpu = new Float32Array(capacity * GPU_STRIDE);
    gpu.set(this.gpu);
    this.gpu = gpu;
    const lonLat = new Float64Array(capacity * 2);
    lonLat.set(this.lonLat);
    this.lonLat = lonLat;
    const speed = new Float32Array(capacity);
    speed.set(this.speed);
    this.speed = speed;
    const seenMs = new Float64Array(capacity);
    seenMs.set(this.seenMs);
    this.seenMs = seenMs;
  }
}
