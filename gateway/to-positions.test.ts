import { describe, expect, it } from 'vitest';
import { checkPosition, encodePosition, parsePosition } from '../core/position.ts';
import { randomAvlRecord, randomGt06Location } from '../test-support/random-frames.ts';
import { seededRandom } from '../test-support/test-seed.ts';
import type { AvlRecord } from './teltonika/avl-data.ts';
import { gt06Positions, normaliseHeading, osmandPositions, teltonikaPositions } from './to-positions.ts';

const truck = { vehicle_id: 'truck-12', vehicle_type: 'truck' };
const IMEI = '356307042441013';
const T = Date.UTC(2026, 11, 6, 10, 0, 0);

const record = (change: Partial<AvlRecord> = {}): AvlRecord => ({
  timestampMs: T,
  priority: 0,
  lonE7: -735_678_900,
  latE7: -455_012_300,
  altitudeM: 38,
  angleDeg: 360,
  satellites: 11,
  speedKmh: 54,
  io: {
    eventId: 0,
    one: [{ id: 239, value: 1 }, { id: 240, value: 0 }, { id: 21, value: 4 }, { id: 1, value: 1 }],
    two: [{ id: 66, value: 12_880 }, { id: 67, value: 4100 }],
    four: [{ id: 16, value: 1_523_400 }],
    eight: [{ id: 78, value: 2n ** 60n }],
    nx: [{ id: 385, value: Buffer.from('beef', 'hex') }],
  },
  ...change,
});

describe('device records to positions', () => {
  it('heading: 360 is north (0), negatives wrap, the rest is kept', () => {
    expect([360, 0, 359.5, 720, -90, 143].map(normaliseHeading)).toEqual([0, 0, 359.5, 0, 270, 143]);
  });

  it('a Teltonika record with a fix: negative coordinates, the known IO values as fields, the rest as attributes', () => {
    expect(teltonikaPositions(IMEI, truck, [record()])).toEqual({
      withoutFix: 0,
      positions: [
        {
          vehicle_id: 'truck-12',
          ts_ms: T,
          lat: -45.50123,
          lon: -73.56789,
          speed_kmh: 54,
          heading_deg: 0,
          vehicle_type: 'truck',
          altitude_m: 38,
          satellites: 11,
          device_id: IMEI,
          ignition: true,
          movement: false,
          odometer_m: 1_523_400,
          external_voltage_mv: 12_880,
          battery_voltage_mv: 4100,
          gsm_signal: 4,
          attributes: { io1: 1, io78: '1152921504606846976', io385: 'beef' },
        },
      ],
    });
  });

  it('Teltonika records without a fix (0 satellites) are counted, not positions', () => {
    const out = teltonikaPositions(IMEI, truck, [record({ satellites: 0 }), record(), record({ satellites: 0 })]);
    expect(out.withoutFix).toBe(2);
    expect(out.positions).toHaveLength(1);
  });

  it('GT06: positioned locations become positions, ACC of 0x22 is ignition, unpositioned ones are counted', () => {
    const { random } = seededRandom('to-positions-gt06');
    const location = { ...randomGt06Location(random), protocol: 0x22 as const, positioned: true, courseDeg: 143, tail: Buffer.from([1, 0, 1]) };
    expect(gt06Positions(IMEI, truck, location)).toEqual({
      withoutFix: 0,
      positions: [
        {
          vehicle_id: 'truck-12',
          ts_ms: location.timestampMs,
          lat: location.lat,
          lon: location.lon,
          speed_kmh: location.speedKmh,
          heading_deg: 143,
          vehicle_type: 'truck',
          satellites: location.satellites,
          device_id: IMEI,
          ignition: true,
        },
      ],
    });
    expect(gt06Positions(IMEI, truck, { ...location, positioned: false })).toEqual({ withoutFix: 1, positions: [] });
  });

  it('OsmAnd: speed and bearing default to 0, altitude is rounded, accuracy and battery become attributes; valid=false is no fix', () => {
    const out = osmandPositions({ vehicle_id: 'phone-7', vehicle_type: '' }, [
      { deviceId: 'phone-7', timestampMs: T, lat: 45.5, lon: -73.56, altitudeM: 30.6, accuracyM: 5, batteryPercent: 80, moving: true, bearingDeg: 360 },
      { deviceId: 'phone-7', timestampMs: T, lat: 45.5, lon: -73.56, valid: false },
    ]);
    expect(out).toEqual({
      withoutFix: 1,
      positions: [
        { vehicle_id: 'phone-7', ts_ms: T, lat: 45.5, lon: -73.56, speed_kmh: 0, heading_deg: 0, vehicle_type: '', altitude_m: 31, device_id: 'phone-7', movement: true, attributes: { accuracy_m: 5, battery_pct: 80 } },
      ],
    });
  });

  it('every position made from random Teltonika records passes the contract and survives its wire form', () => {
    const { random } = seededRandom('to-positions-teltonika');
    for (let i = 0; i < 2000; i++) {
      const r = randomAvlRecord(random, random.int(2) === 0 ? 0x08 : 0x8e);
      const sane = { ...r, speedKmh: r.speedKmh % 401, satellites: 1 + (r.satellites % 32) };
      const [p] = teltonikaPositions(IMEI, truck, [sane]).positions;
      const wire = encodePosition(p!);
      const check = parsePosition(wire);
      if (!check.ok) throw new Error(`${check.detail}: ${wire}`);
      expect(check.position).toEqual(p);
      expect(checkPosition(JSON.parse(wire)).ok).toBe(true);
    }
  });
});
