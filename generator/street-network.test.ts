import { describe, expect, it } from 'vitest';
import { parseDistricts, type District } from '../core/districts.ts';
import { backfillMessages } from './backfill.ts';
import { createCity } from './city.ts';
import { defaultDistricts } from './fleet-options.ts';
import { fleetRoster } from './roster.ts';
import { findPath, greedyDirection } from './routing.ts';
import { ARTERIAL_EVERY, buildStreetNetwork, type StreetNetwork } from './street-network.ts';

/** A U-shaped city (left arm, bottom bar, right arm) near Paris, plus a detached island district. */
function uShapedCity(): District[] {
  const box = (id: string, lon0: number, lat0: number, lon1: number, lat1: number) => ({
    type: 'Feature',
    id,
    properties: { name: id },
    geometry: { type: 'Polygon', coordinates: [[[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]] },
  });
  return parseDistricts({
    type: 'FeatureCollection',
    features: [
      box('left', 2.3, 48.85, 2.31, 48.87),
      box('bottom', 2.31, 48.85, 2.33, 48.856),
      box('right', 2.33, 48.85, 2.34, 48.87),
      box('island', 2.4, 48.9, 2.401, 48.901),
    ],
  });
}

function checkNetwork(network: StreetNetwork): string[] {
  const { city, marginM } = network;
  const problems: string[] = [];
  const seen = new Uint8Array(network.nodeCount);
  const queue = [0];
  seen[0] = 1;
  while (queue.length > 0) {
    const n = queue.pop()!;
    if (!city.isClear(network.x[n]!, network.y[n]!, network.x[n]!, network.y[n]!, marginM)) problems.push(`node ${n} too close to the edge`);
    for (let dir = 0; dir < 4; dir++) {
      const m = network.links[n * 4 + dir]!;
      if (m < 0) continue;
      if (network.links[m * 4 + ((dir + 2) % 4)] !== n) problems.push(`link ${n}->${m} is one-way`);
      if (!city.isClear(network.x[n]!, network.y[n]!, network.x[m]!, network.y[m]!, marginM)) problems.push(`street ${n}-${m} leaves the city`);
      if (!seen[m]) {
        seen[m] = 1;
        queue.push(m);
      }
    }
  }
  if (seen.some((s) => s === 0)) problems.push('the network is not connected');
  network.stops.forEach((stops, d) => {
    for (const n of stops) {
      if (network.district[n] !== d) problems.push(`stop ${n} is not in district ${d}`);
      if (city.distanceToDistrictEdge(d, network.x[n]!, network.y[n]!) < marginM) problems.push(`stop ${n} is too close to its district's edge`);
    }
  });
  return problems;
}

describe('the street network', () => {
  it('covers the built-in city with connected streets, arterials across districts, and stops in every district', () => {
    const network = buildStreetNetwork(createCity(defaultDistricts()), { marginM: 6 });
    expect(checkNetwork(network)).toEqual([]);
    expect(network.nodeCount).toBeGreaterThan(5000);
    expect(network.stops.every((s) => s.length > 100)).toBe(true);
    expect(network.arterial.filter((a) => a === 1).length / network.arterial.filter((_, i) => network.links[i]! >= 0).length).toBeCloseTo(1 / ARTERIAL_EVERY, 1);
    let crossing = 0;
    for (let n = 0; n < network.nodeCount; n++) {
      for (let dir = 0; dir < 4; dir++) {
        const m = network.links[n * 4 + dir]!;
        if (m >= 0 && network.district[m] !== network.district[n]) crossing++;
      }
    }
    expect(crossing).toBeGreaterThan(100);
  });

  it('keeps streets inside a concave city with shared borders, and drops a district it cannot reach', () => {
    const city = createCity(uShapedCity());
    expect(city.districtAt(city.toX(2.305), city.toY(48.86))).toBe(0);
    expect(city.contains(city.toX(2.32), city.toY(48.865))).toBe(false);
    // A shared border is not the city's edge, the outside of the U is.
    expect(city.isClear(city.toX(2.3095), city.toY(48.853), city.toX(2.3105), city.toY(48.853), 20)).toBe(true);
    expect(city.isClear(city.toX(2.305), city.toY(48.8605), city.toX(2.305), city.toY(48.8605), 20)).toBe(true);
    expect(city.isClear(city.toX(2.3099), city.toY(48.865), city.toX(2.3099), city.toY(48.865), 20)).toBe(false);

    const network = buildStreetNetwork(city, { marginM: 6 });
    expect(checkNetwork(network)).toEqual([]);
    expect(network.stops.map((s) => s.length > 0)).toEqual([true, true, true, false]);

    // Across the gap of the U no step gets closer: routing falls back to a search around it.
    const upper = city.toY(48.865);
    const from = network.stops[0]!.filter((n) => network.y[n]! > upper).reduce((best, n) => (network.x[n]! > network.x[best]! ? n : best));
    const to = network.stops[2]!.find((n) => network.row[n] === network.row[from])!;
    expect(greedyDirection(network, from, to, true)).toBe(-1);
    const path = findPath(network, from, to);
    expect(path.at(-1)).toBe(to);
    let previous = from;
    for (const n of path) {
      expect(Array.from(network.links.subarray(previous * 4, previous * 4 + 4))).toContain(n);
      previous = n;
    }
  });

  it('drives a fleet in that city without leaving it', () => {
    const districts = uShapedCity();
    const options = { vehicles: 60, seed: 2, fromMs: Date.parse('2026-11-02T08:00:00Z'), toMs: Date.parse('2026-11-02T10:00:00Z'), districts, crossDistrictShare: 0.5 };
    expect(new Set(fleetRoster(options).map((r) => r.home_district)).has('island')).toBe(false);
    const city = createCity(districts);
    const outside: string[] = [];
    let moving = 0;
    for (const m of backfillMessages(options)) {
      const p = JSON.parse(m.value) as { lat: number; lon: number; speed_kmh: number };
      if (!city.contains(city.toX(p.lon), city.toY(p.lat))) outside.push(m.value);
      if (p.speed_kmh > 0) moving++;
    }
    expect(outside).toEqual([]);
    expect(moving).toBeGreaterThan(1000);
  });

  it('refuses a city too small for any street', () => {
    const tiny = parseDistricts({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', id: 'x', properties: {}, geometry: { type: 'Polygon', coordinates: [[[0, 0], [0.0001, 0], [0.0001, 0.0001], [0, 0]]] } }],
    });
    expect(() => buildStreetNetwork(createCity(tiny), { marginM: 6 })).toThrow(/too small or too thin for streets/);
  });
});
