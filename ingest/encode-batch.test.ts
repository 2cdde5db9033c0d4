import { describe, expect, it } from 'vitest';
import { encodePosition, parsePosition, type Position } from '../core/position.ts';
import { CORE_POSITION_COLUMNS, createTsvBody, encodeBatch, POSITION_COLUMNS } from './encode-batch.ts';
import type { StreamRef } from './types.ts';

/** What a position without device fields ends with in a body that has device columns: eight NULLs, an empty device id, an empty attribute map. */
const NO_EXTRAS = '\t\\N'.repeat(8) + '\t\t{}';

/** The rounding rules in their plainest form: the oracle the byte encoder must match. */
function expectedLine(p: Position): string {
  const fixed = (value: number, scale: number, digits: number) => {
    const scaled = Math.round(value * scale);
    const sign = scaled < 0 ? '-' : '';
    const abs = Math.abs(scaled);
    return `${sign}${Math.floor(abs / scale)}.${String(abs % scale).padStart(digits, '0')}`;
  };
  const ts = `${p.ts_ms < 0 ? '-' : ''}${Math.floor(Math.abs(p.ts_ms) / 1000)}.${String(Math.abs(p.ts_ms) % 1000).padStart(3, '0')}`;
  return [p.vehicle_id, ts, fixed(p.lat, 1e6, 6), fixed(p.lon, 1e6, 6), fixed(p.speed_kmh, 10, 1), Math.round(p.heading_deg) % 360, p.vehicle_type].join('\t') + '\n';
}

const base: Position = { vehicle_id: 'v-00042', ts_ms: Date.parse('2026-11-23T10:00:05.007Z'), lat: 45.50123, lon: -73.56789, speed_kmh: 32.4, heading_deg: 271, vehicle_type: 'van' };

describe('TabSeparated body', () => {
  it.each<[string, Partial<Position>, string]>([
    ['the documented example', {}, 'v-00042\t1795428005.007\t45.501230\t-73.567890\t32.4\t271\tvan\n'],
    ['rounding to 6 decimals, ties upwards', { lat: 45.0000005, lon: -0.0000005 }, 'v-00042\t1795428005.007\t45.000001\t0.000000\t32.4\t271\tvan\n'],
    ['a heading that rounds to 360', { heading_deg: 359.6 }, 'v-00042\t1795428005.007\t45.501230\t-73.567890\t32.4\t0\tvan\n'],
    ['no vehicle type', { vehicle_type: '' }, 'v-00042\t1795428005.007\t45.501230\t-73.567890\t32.4\t271\t\n'],
    ['a time before 1970', { ts_ms: -1500 }, 'v-00042\t-1.500\t45.501230\t-73.567890\t32.4\t271\tvan\n'],
    ['the extremes', { lat: -90, lon: 180, speed_kmh: 400, heading_deg: 0 }, 'v-00042\t1795428005.007\t-90.000000\t180.000000\t400.0\t0\tvan\n'],
  ])('writes %s', (_name, change, line) => {
    const body = createTsvBody(8);
    body.add({ ...base, ...change });
    expect(body.bytes().toString()).toBe(line);
  });

  it('matches the plain rounding rules on 50 000 random positions, growing as it goes', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647);
    const body = createTsvBody(16);
    let expected = '';
    for (let i = 0; i < 50_000; i++) {
      const p: Position = {
        vehicle_id: `v-${i}`.padEnd(1 + (i % 64), 'x'),
        ts_ms: Math.floor(random() * 4e12),
        lat: (random() * 2 - 1) * 90,
        lon: (random() * 2 - 1) * 180,
        speed_kmh: random() * 400,
        heading_deg: random() * 360,
        vehicle_type: 'abcdefghijklmnopqrstuvwxyz012345'.slice(0, i % 33),
      };
      body.add(p);
      expected += expectedLine(p);
    }
    expect(body.rows).toBe(50_000);
    expect(body.bytes().toString()).toBe(expected);
  });

  it('writes the core columns alone while no position has device fields', () => {
    const body = createTsvBody(8);
    body.add(base);
    expect(body.columns).toEqual(CORE_POSITION_COLUMNS);
  });

  it('gives every line the device columns from the first position that has one on, the lines before it too', () => {
    const body = createTsvBody(8);
    const plain = [{ ...base, vehicle_id: 'v-1' }, { ...base, vehicle_id: 'v-2' }];
    for (const p of plain) body.add(p);
    body.add({ ...base, vehicle_id: 'v-3', satellites: 9 });
    body.add({ ...base, vehicle_id: 'v-4' });
    expect(body.columns).toEqual(POSITION_COLUMNS);
    const withNone = (p: Position) => expectedLine(p).replace(/\n$/, `${NO_EXTRAS}\n`);
    expect(body.bytes().toString()).toBe(
      withNone(plain[0]!) + withNone(plain[1]!) + expectedLine({ ...base, vehicle_id: 'v-3' }).replace(/\n$/, '\t\\N\t9' + '\t\\N'.repeat(6) + '\t\t{}\n') + withNone({ ...base, vehicle_id: 'v-4' }),
    );
  });

  it('writes the device fields into their columns, NULL where a device did not report one', () => {
    const body = createTsvBody(8);
    body.add({ ...base, altitude_m: -12, satellites: 11, ignition: true, odometer_m: 1_523_400, device_id: '356307042441013', attributes: { io1: 1, io9: 'a b', on: false } });
    expect(body.bytes().toString()).toBe(
      "v-00042\t1795428005.007\t45.501230\t-73.567890\t32.4\t271\tvan\t-12\t11\t1523400\t\\N\t\\N\t\\N\ttrue\t\\N\t356307042441013\t{'io1':'1','io9':'a b','on':'false'}\n",
    );
  });
});

describe('encodeBatch', () => {
  it('encodes the accepted messages and returns the refused ones with their offsets and reasons', () => {
    const stream: StreamRef = { topic: 't', partition: 0, id: 't:0' };
    const good = encodePosition(base);
    const values = [good, '{"vehicle_id":', good.replace('"lat":45.50123', '"lat":95')];
    const messages = values.map((value, i) => ({ stream, offset: 10 + i, key: 'v-00042', value, size: value.length }));
    const bounds = { minTsMs: 0, maxTsMs: base.ts_ms };
    const encoded = encodeBatch({ stream, first: 10, last: 12, messages, bytes: 100 }, parsePosition, bounds);
    expect(encoded.body.toString()).toBe(expectedLine(base));
    expect(encoded.rows).toBe(1);
    expect(encoded.newestTsMs).toBe(base.ts_ms);
    expect(encoded.rejects.map((r) => [r.offset, r.reason])).toEqual([[11, 'not_json'], [12, 'lat_out_of_range']]);
  });
});
