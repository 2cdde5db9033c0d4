import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { checkPosition, encodePosition, parsePosition, type RejectReason } from './position.ts';

const schema = JSON.parse(readFileSync(new URL('./position.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats.default(ajv);
const validateWithSchema = ajv.compile(schema);

const good = { vehicle_id: 'v-00042', ts: '2026-11-23T10:00:05.000Z', lat: 45.50123, lon: -73.56789, speed_kmh: 32.4, heading_deg: 271, vehicle_type: 'van' };

const bad: [string, Record<string, unknown>, RejectReason][] = [
  ['missing vehicle_id', { ...good, vehicle_id: undefined }, 'missing_field'],
  ['null ts', { ...good, ts: null }, 'missing_field'],
  ['numeric vehicle_id', { ...good, vehicle_id: 42 }, 'wrong_type'],
  ['vehicle_id with spaces', { ...good, vehicle_id: 'v 42' }, 'bad_vehicle_id'],
  ['vehicle_id too long', { ...good, vehicle_id: 'v'.repeat(65) }, 'bad_vehicle_id'],
  ['epoch ts', { ...good, ts: 1700000000000 }, 'wrong_type'],
  ['ts without zone', { ...good, ts: '2026-11-23T10:00:05' }, 'bad_timestamp'],
  ['ts impossible date', { ...good, ts: '2026-13-45T10:00:05Z' }, 'bad_timestamp'],
  ['lat as string', { ...good, lat: '45.5' }, 'wrong_type'],
  ['lat above 90', { ...good, lat: 90.5 }, 'lat_out_of_range'],
  ['lon below -180', { ...good, lon: -180.1 }, 'lon_out_of_range'],
  ['negative speed', { ...good, speed_kmh: -1 }, 'speed_out_of_range'],
  ['heading above 360', { ...good, heading_deg: 360.5 }, 'heading_out_of_range'],
  ['negative heading', { ...good, heading_deg: -0.5 }, 'heading_out_of_range'],
  ['vehicle_type upper case', { ...good, vehicle_type: 'Van' }, 'bad_vehicle_type'],
];

describe('the position contract', () => {
  it('accepts the documented example and normalises it', () => {
    const check = checkPosition(good);
    expect(check).toEqual({ ok: true, position: { ...good, ts: undefined, ts_ms: Date.parse(good.ts) } });
    expect(validateWithSchema(good)).toBe(true);
  });

  it('ignores unknown fields, as the schema does', () => {
    const withExtra = { ...good, odometer_km: 1234, driver: { id: 7 } };
    expect(checkPosition(withExtra).ok).toBe(true);
    expect(validateWithSchema(withExtra)).toBe(true);
  });

  it('accepts heading 360, north as many devices send it, as 0', () => {
    const north = { ...good, heading_deg: 360 };
    expect(checkPosition(north)).toMatchObject({ ok: true, position: { heading_deg: 0 } });
    expect(validateWithSchema(north)).toBe(true);
  });

  it('makes vehicle_type optional', () => {
    const { vehicle_type: _omitted, ...withoutType } = good;
    const check = checkPosition(withoutType);
    expect(check.ok && check.position.vehicle_type).toBe('');
    expect(validateWithSchema(withoutType)).toBe(true);
  });

  it.each(bad)('refuses %s with a reason, and the published schema refuses it too', (_name, value, reason) => {
    const clean = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
    const check = checkPosition(clean);
    expect(check.ok ? 'accepted' : check.reason).toBe(reason);
    expect(validateWithSchema(clean)).toBe(false);
  });

  it('refuses text that is not JSON and JSON that is not an object', () => {
    expect(parsePosition('{"vehicle_id":')).toMatchObject({ ok: false, reason: 'not_json' });
    expect(parsePosition('[1,2]')).toMatchObject({ ok: false, reason: 'not_an_object' });
    expect(parsePosition(new TextEncoder().encode(JSON.stringify(good))).ok).toBe(true);
  });

  it('applies past and future bounds when given', () => {
    const at = Date.parse(good.ts);
    expect(checkPosition(good, { minTsMs: at + 1, maxTsMs: at + 10 })).toMatchObject({ ok: false, reason: 'too_old' });
    expect(checkPosition(good, { minTsMs: at - 10, maxTsMs: at - 1 })).toMatchObject({ ok: false, reason: 'too_far_in_future' });
    expect(checkPosition(good, { minTsMs: at, maxTsMs: at }).ok).toBe(true);
  });

  it('encodes to the wire form the schema accepts, and back', () => {
    const check = checkPosition(good);
    if (!check.ok) throw new Error(check.detail);
    const wire = encodePosition(check.position);
    expect(wire).toBe(JSON.stringify(good));
    expect(parsePosition(wire)).toEqual(check);
  });
});

describe('the optional device fields of the contract', () => {
  const device = {
    ...good,
    altitude_m: -12,
    satellites: 11,
    ignition: true,
    movement: false,
    odometer_m: 1_523_400,
    external_voltage_mv: 12_880,
    battery_voltage_mv: 4100,
    gsm_signal: 4,
    device_id: '356307042441013',
    attributes: { io1: 1, io200: 0, 'io9.text': 'a b=c', flag: false },
  };

  it('pass through the validator, the schema and the wire form unchanged', () => {
    const check = checkPosition(device);
    expect(check).toEqual({ ok: true, position: { ...device, ts: undefined, ts_ms: Date.parse(good.ts) } });
    expect(validateWithSchema(device)).toBe(true);
    if (!check.ok) throw new Error(check.detail);
    expect(JSON.parse(encodePosition(check.position))).toEqual(device);
    expect(parsePosition(encodePosition(check.position))).toEqual(check);
  });

  it('leave the wire form of a position without them as it was', () => {
    const check = checkPosition(good);
    expect(check.ok && Object.keys(check.position)).toEqual(['vehicle_id', 'ts_ms', 'lat', 'lon', 'speed_kmh', 'heading_deg', 'vehicle_type']);
  });

  it.each([
    ['fractional altitude', { altitude_m: 1.5 }],
    ['satellites above 255', { satellites: 256 }],
    ['ignition as a number', { ignition: 1 }],
    ['negative odometer', { odometer_m: -1 }],
    ['voltage above 65535', { external_voltage_mv: 70_000 }],
    ['device_id with a space', { device_id: 'a b' }],
    ['attributes as a list', { attributes: [1] }],
    ['attribute with a quote', { attributes: { a: "it's" } }],
    ['attribute name with a space', { attributes: { 'a b': 1 } }],
    ['attribute as an object', { attributes: { a: { b: 1 } } }],
    ['65 attributes', { attributes: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`io${i}`, i])) }],
  ])('refuses %s (wrong_type), and the schema refuses it too', (_name, extra) => {
    const value = { ...good, ...extra };
    expect(checkPosition(value)).toMatchObject({ ok: false, reason: 'wrong_type' });
    expect(validateWithSchema(value)).toBe(false);
  });
});
