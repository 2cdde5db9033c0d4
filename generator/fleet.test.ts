import { describe, expect, it } from 'vitest';
import type { District } from '../core/districts.ts';
import { parsePosition, type Position } from '../core/position.ts';
import { backfillMessages } from './backfill.ts';
import { EARTH_RADIUS_M } from './city.ts';
import { defaultDistricts, type BackfillOptions } from './fleet-options.ts';
import { fleetRoster } from './roster.ts';
import { VEHICLE_PROFILES, type VehicleType } from './vehicle-types.ts';

const FROM = Date.parse('2026-11-02T08:00:00Z');
const HOUR = 3_600_000;

function positions(options: BackfillOptions): Position[] {
  const out: Position[] = [];
  for (const m of backfillMessages(options)) {
    const check = parsePosition(m.value);
    if (!check.ok) throw new Error(`invalid message ${m.value}: ${check.detail}`);
    if (m.key !== check.position.vehicle_id) throw new Error(`key ${m.key} is not the vehicle id of ${m.value}`);
    out.push(check.position);
  }
  return out;
}

function byVehicle(list: readonly Position[]): Map<string, Position[]> {
  const map = new Map<string, Position[]>();
  for (const p of list) {
    const track = map.get(p.vehicle_id) ?? [];
    track.push(p);
    map.set(p.vehicle_id, track);
  }
  return map;
}

/** Plain even-odd test in degrees, independent of the generator's projected geometry. */
function districtOf(districts: readonly District[], lat: number, lon: number): string | undefined {
  for (const d of districts) {
    for (const polygon of d.polygons) {
      let inside = false;
      for (const ring of polygon) {
        for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
          const [xi, yi] = ring[i]!, [xj, yj] = ring[j]!;
          if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
        }
      }
      if (inside) return d.id;
    }
  }
  return undefined;
}

function haversineM(a: Position, b: Position): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad, dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(h));
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

describe('backfillMessages on the built-in Montréal districts', () => {
  const options: BackfillOptions = { vehicles: 200, seed: 42, fromMs: FROM, toMs: FROM + HOUR };
  const list = positions(options);
  const tracks = byVehicle(list);
  const roster = new Map(fleetRoster(options).map((r) => [r.vehicle_id, r]));

  it('gives every vehicle one valid position per interval, in event-time order', () => {
    expect(list.length).toBe(200 * 720);
    expect(tracks.size).toBe(200);
    expect(list.filter((p, i) => i > 0 && p.ts_ms < list[i - 1]!.ts_ms)).toEqual([]);
    expect(list[0]!.ts_ms).toBeGreaterThanOrEqual(FROM);
    expect(list.at(-1)!.ts_ms).toBeLessThan(FROM + HOUR);
    for (const [id, track] of tracks) expect(track[0]!.vehicle_type).toBe(roster.get(id)!.vehicle_type);
  });

  it('is reproducible byte for byte from the seed, and another seed gives another stream', () => {
    const text = (o: BackfillOptions) => Array.from(backfillMessages(o), (m) => `${m.key}\t${m.value}`).join('\n');
    const first = text(options);
    expect(text(options) === first).toBe(true);
    expect(first.split('\n')).toHaveLength(200 * 720);
    const other = text({ ...options, seed: 43 });
    expect(other.slice(0, 10_000)).not.toBe(first.slice(0, 10_000));
  });

  it('keeps every point inside the city', () => {
    const districts = defaultDistricts();
    expect(list.filter((p) => districtOf(districts, p.lat, p.lon) === undefined)).toEqual([]);
  });

  it('never implies a speed above the vehicle type maximum between consecutive positions, nor reports one', () => {
    let worst = 0;
    const violations: string[] = [];
    for (const track of tracks.values()) {
      const max = VEHICLE_PROFILES[track[0]!.vehicle_type as VehicleType].maxKmh;
      for (let i = 1; i < track.length; i++) {
        const [a, b] = [track[i - 1]!, track[i]!];
        const kmh = (haversineM(a, b) / ((b.ts_ms - a.ts_ms) / 1000)) * 3.6;
        worst = Math.max(worst, kmh / max);
        if (kmh > max || b.speed_kmh > max) violations.push(`${b.vehicle_id} at ${b.ts_ms}: ${kmh} km/h implied, ${b.speed_kmh} reported, max ${max}`);
      }
    }
    expect(violations).toEqual([]);
    // Vehicles do drive near their limits, so the check above is not vacuous.
    expect(worst).toBeGreaterThan(0.5);
  });

  it('reports at the configured interval (median per vehicle), with small jitter', () => {
    for (const track of tracks.values()) {
      const gaps = track.slice(1).map((p, i) => p.ts_ms - track[i]!.ts_ms);
      expect(median(gaps)).toBe(5000);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(4500);
      expect(Math.max(...gaps)).toBeLessThanOrEqual(5500);
    }
  });

  it('moves vehicles along streets, with deliveries and parking at speed 0 and headings that follow the motion', () => {
    const stopped = list.filter((p) => p.speed_kmh === 0).length / list.length;
    expect(stopped).toBeGreaterThan(0.1);
    expect(stopped).toBeLessThan(0.9);
    let agreeing = 0, compared = 0;
    for (const track of tracks.values()) {
      for (let i = 1; i < track.length; i++) {
        const [a, b] = [track[i - 1]!, track[i]!];
        // Same street, well beyond the GPS noise: the bearing between the two fixes is the heading.
        if (a.speed_kmh < 15 || b.speed_kmh !== a.speed_kmh || a.heading_deg !== b.heading_deg || haversineM(a, b) < 40) continue;
        const bearing = (Math.atan2((b.lon - a.lon) * Math.cos((a.lat * Math.PI) / 180), b.lat - a.lat) * 180) / Math.PI;
        const diff = Math.abs(((bearing - a.heading_deg + 540) % 360) - 180);
        compared++;
        if (diff < 15) agreeing++;
      }
    }
    expect(compared).toBeGreaterThan(1000);
    expect(agreeing / compared).toBeGreaterThan(0.95);
  });

  it('mixes vehicle types with their own speeds', () => {
    const fastest = new Map<string, number>();
    for (const p of list) fastest.set(p.vehicle_type, Math.max(fastest.get(p.vehicle_type) ?? 0, p.speed_kmh));
    expect([...fastest.keys()].sort()).toEqual(['bike', 'car', 'truck', 'van']);
    expect(fastest.get('bike')!).toBeLessThan(30);
    expect(fastest.get('car')!).toBeGreaterThan(50);
  });
});

describe('cross-district trips', () => {
  /** Trips end in a delivery stop: a run of speed-0 reports right after a moving one. Its district is where the trip went. */
  function tripShare(crossDistrictShare: number): { trips: number; share: number } {
    const options: BackfillOptions = { vehicles: 300, seed: 5, fromMs: FROM, toMs: FROM + 4 * HOUR, crossDistrictShare };
    const districts = defaultDistricts();
    const home = new Map(fleetRoster(options).map((r) => [r.vehicle_id, r.home_district]));
    let trips = 0, cross = 0;
    for (const track of byVehicle(positions(options)).values()) {
      for (let i = 1; i < track.length; i++) {
        if (track[i]!.speed_kmh !== 0 || track[i - 1]!.speed_kmh === 0) continue;
        trips++;
        if (districtOf(districts, track[i]!.lat, track[i]!.lon) !== home.get(track[i]!.vehicle_id)) cross++;
      }
    }
    return { trips, share: cross / trips };
  }

  it('matches the configured share within tolerance', () => {
    const { trips, share } = tripShare(0.3);
    expect(trips).toBeGreaterThan(2000);
    // Three standard deviations of a binomial share over that many trips.
    expect(Math.abs(share - 0.3)).toBeLessThan(3 * Math.sqrt((0.3 * 0.7) / trips));
  });

  it('keeps every delivery in the home district when the share is 0', () => {
    const { trips, share } = tripShare(0);
    expect(trips).toBeGreaterThan(2000);
    expect(share).toBe(0);
  });
});

describe('instances', () => {
  it('split the fleet into disjoint sets that cover it exactly once, each vehicle unchanged', () => {
    const base: BackfillOptions = { vehicles: 100, seed: 9, fromMs: FROM, toMs: FROM + 10 * 60_000 };
    const whole = [...backfillMessages(base)];
    const parts = [0, 1, 2].map((instance) => [...backfillMessages({ ...base, instance, instances: 3 })]);
    const ids = parts.map((p) => new Set(p.map((m) => m.key)));
    expect(ids.map((s) => s.size)).toEqual([34, 33, 33]);
    for (let a = 0; a < 3; a++) for (let b = a + 1; b < 3; b++) expect([...ids[a]!].filter((id) => ids[b]!.has(id))).toEqual([]);
    expect(new Set(ids.flatMap((s) => [...s]))).toEqual(new Set(whole.map((m) => m.key)));
    const sorted = (list: { value: string }[]) => list.map((m) => m.value).sort();
    expect(sorted(parts.flat())).toEqual(sorted(whole));
  });
});
