import { describe, expect, it } from 'vitest';
import { encodePosition } from '../core/position.ts';
import { createRandom } from './prng.ts';
import { VEHICLE_TYPES } from './vehicle-types.ts';
import { createWireEncoder, formatMicro, wirePrefix } from './wire.ts';

describe('the wire encoder', () => {
  it('formats micro-units exactly like String(micro / 1e6)', () => {
    const random = createRandom(1);
    const edge = [0, -0, 1, -1, 5, -5, 10, 1000, -1000, 120_000, 999_999, -999_999, 1e6, -1e6, 45_500_000, -73_000_001, 90e6, -90e6, 180e6, -180e6, 181_123_456, -200e6];
    const samples = [...edge];
    for (let i = 0; i < 200_000; i++) {
      const micro = Math.round((random.float() - 0.5) * 360e6);
      samples.push(micro, Math.round(micro / 1000) * 1000, Math.round(micro / 1e5) * 1e5);
    }
    expect(samples.filter((m) => formatMicro(m) !== String(m / 1e6))).toEqual([]);
  });

  it('renders timestamps like Date#toISOString, across days, years and before 1970', () => {
    const encoder = createWireEncoder(VEHICLE_TYPES);
    const random = createRandom(2);
    const times = [0, -1, 86_399_999, 86_400_000, Date.parse('2026-12-31T23:59:59.999Z'), Date.parse('2027-01-01T00:00:00Z'), Date.parse('1969-07-20T20:17:40.5Z')];
    for (let i = 0; i < 50_000; i++) times.push(Math.floor(random.float() * 4e12) - 1e12);
    expect(times.filter((t) => encoder.timestamp(t) !== new Date(t).toISOString())).toEqual([]);
  });

  it('produces the same bytes as encodePosition', () => {
    const encoder = createWireEncoder(VEHICLE_TYPES);
    const random = createRandom(3);
    const mismatches: string[] = [];
    let ts = Date.parse('2026-11-02T08:00:00Z');
    for (let i = 0; i < 50_000; i++) {
      ts += random.int(3) === 0 ? 0 : random.int(400);
      const id = `v-${String(random.int(100_000)).padStart(5, '0')}`;
      const latMicro = Math.round((random.float() - 0.5) * 180e6);
      const lonMicro = Math.round((random.float() - 0.5) * 360e6);
      const speedTenths = random.int(4001);
      const heading = random.int(360);
      const type = random.int(VEHICLE_TYPES.length);
      const fast = encoder.encode(wirePrefix(id), ts, latMicro, lonMicro, speedTenths, heading, type);
      const reference = encodePosition({
        vehicle_id: id, ts_ms: ts, lat: latMicro / 1e6, lon: lonMicro / 1e6, speed_kmh: speedTenths / 10, heading_deg: heading, vehicle_type: VEHICLE_TYPES[type]!,
      });
      if (fast !== reference) mismatches.push(`${fast} != ${reference}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('leaves vehicle_type out when a type is empty, as encodePosition does', () => {
    const encoder = createWireEncoder(['']);
    const reference = encodePosition({ vehicle_id: 'a', ts_ms: 0, lat: 1.5, lon: -2, speed_kmh: 0, heading_deg: 0, vehicle_type: '' });
    expect(encoder.encode(wirePrefix('a'), 0, 1_500_000, -2_000_000, 0, 0, 0)).toBe(reference);
  });
});
