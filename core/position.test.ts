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
