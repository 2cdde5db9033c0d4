import { describe, expect, it } from 'vitest';
import type { LivePosition } from '../../queries/live-feed.ts';
import { GPU_STRIDE, LiveState, mercatorX, mercatorY } from './live-state.ts';

const BASE = Date.parse('2026-01-01T00:00:00Z');
const at = (id: string, lon: number, lat: number, secondsAfterBase: number, vehicle_type = 'car'): LivePosition => ({
  vehicle_id: id,
  ts: new Date(BASE + secondsAfterBase * 1000).toISOString(),
  lon,
  lat,
  speed_kmh: 30,
  heading_deg: 90,
  vehicle_type,
});
/** A unit square district with its south-west corner at (lon, lat). */
const square = (id: string, lon: number, lat: number) => ({ id, polygons: [[[[lon, lat], [lon + 1, lat], [lon + 1, lat + 1], [lon, lat + 1], [lon, lat]]]] as [number, number][][][] });

describe('LiveState', () => {
  it('keeps one slot per vehicle, sends each id once, and packs positions relative to the first one seen', () => {
    const state = new LiveState(120_000, BASE);
    state.apply('snapshot', [at('a', 10, 45, 0), at('b', 11, 46, 0, 'truck')]);
    const first = state.frame();
    expect(first).toMatchObject({ count: 2, idsFrom: 0, ids: ['a', 'b'], types: ['car', 'truck'] });
    expect(first.origin).toEqual([mercatorX(10), mercatorY(45)]);
    expect([...first.gpu.subarray(0, GPU_STRIDE)]).toEqual([0, 0, 90, 1, 0]);
    expect(first.gpu[GPU_STRIDE]).toBeCloseTo(mercatorX(11) - mercatorX(10), 9);
    expect(first.gpu[GPU_STRIDE + 3]).toBe(3);

    state.apply('changes', [at('b', 12, 46, 5), at('c', 12, 47, 5, 'hovercraft')]);
    const second = state.frame();
    expect(second).toMatchObject({ count: 3, idsFrom: 2, ids: ['c'] });
    expect([...second.lonLat]).toEqual([10, 45, 12, 46, 12, 47]);
    expect(second.seenMs[1]).toBe(BASE + 5000);
    // A type the page has no colour for takes the "other" colour.
    expect(second.gpu[2 * GPU_STRIDE + 3]).toBe(4);
    expect(second.gpu[GPU_STRIDE + 4]).toBe(5);

    state.apply('snapshot', [at('c', 12, 47, 6)]);
    expect(state.frame()).toMatchObject({ count: 1, idsFrom: 0, ids: ['c'] });
  });

  it('grows past its first capacity without losing a vehicle', () => {
    const state = new LiveState(120_000, BASE);
    state.apply('snapshot', Array.from({ length: 3000 }, (_, i) => at(`v-${i}`, i / 1000, 0, 0)));
    const frame = state.frame();
    expect(frame.count).toBe(3000);
    expect(frame.lonLat[2 * 2999]).toBe(2.999);
  });

  it('counts the vehicles seen lately in the district they are in, and the stale ones apart', () => {
    const state = new LiveState(60_000, BASE);
    state.setDistricts([square('west', 0, 0), square('east', 1, 0)]);
    state.apply('snapshot', [at('a', 0.5, 0.5, 100), at('b', 1.5, 0.5, 100), at('c', 1.6, 0.5, 100), at('d', 1.5, 0.5, 0), at('e', 5, 5, 100)]);
    expect(state.counts(BASE + 100_000)).toEqual({ kind: 'counts', total: 5, stale: 1, byDistrict: [['west', 1], ['east', 2]] });
  });
});
