import { describe, expect, it } from 'vitest';
import { encodePosition, parsePosition, type Position } from '../core/position.ts';
import { CORE_POSITION_COLUMNS, createTsvBody, encodeBatch, POSITION_COLUMNS } from './encode-batch.ts';
import type { StreamRef } from './types.ts';
import { seededRandom } from '../test-support/test-seed.ts';

/** What a position without device fields ends with in a body that has device columns: eight NULLs, an empty device id, an empty attribute map. */
const NO_EXTRAS = '\t\\N'.repeat(8) + '\t\t{}';

const base: Position = { vehicle_id: 'v-00042', ts_ms: Date.parse('2026-11-23T10:00:05.007Z'), lat: 45.50123, lon: -73.56789, speed_kmh: 32.4, heading_deg: 271, vehicle_type: 'van' };
/** `base` as a line, worked out by hand: seconds.millis since the epoch, 6 decimals of degrees, 1 of km/h, whole degrees. */
const baseLine = (vehicleId = 'v-00042') => `${vehicleId}\t1795428005.007\t45.501230\t-73.567890\t32.4\t271\tvan`;

/** The fields of one written line read back as numbers: the inverse of the format, not a second copy of its rounding. */
function readBack(line: string) {
  const [vehicle_id, ts, lat, lon, speed, heading, vehicle_type] = line.split('\t') as [string, string, string, string, string, string, string];
  const [seconds, millis] = ts.split('.') as [string, string];
  const tsMs = Number(seconds) * 1000 + (seconds.startsWith('-') ? -1 : 1) * Number(millis);
  return { vehicle_id, tsMs, lat, lon, speed, heading: Number(heading), vehicle_type };
}

describe('TabSeparated body', () => {
  it.each<[string, Partial<Position>, string]>([
    ['the documented example', {}, 'v-00042\t1795428005.007\t45.501230\t-73.567890\t32.4\t271\tvan\n'],
    ['rounding to 6 decimals, ties upwards', { lat: 45.0000005, lon: -0.0000005 }, 'v-00042\t1795428005.007\t45.000001\t0.000000\t32.4\t271\tvan\n'],
    ['a heading that rounds to 360', { heading_deg: 359.6 }, 'v-00042\t1795428005.007\t45.501230\t-73.567890\t32.4\t0\tvan\n'],
    ['no vehicle type', { vehicle_type: '' }, 'v-00042\t1795428005.007\t45.501230\t-73.567890\t32.4\t271\t\n'],
    ['a time before 1970', { ts_ms: -1500 }, 'v-00042\t-1.500\t45.501230\t-73.567890\t32.4\t271\tvan\n'],
    ['the extremes', { lat: -90, lon: 180, speed_kmh: 400, heading_deg: 0 }, 'v-00042\t1795428005.007\t-90.000000\t180.000000\t400.0\t0\tvan\n'],
    ['small negatives and a speed tie', { lat: -0.25, lon: -0.0000015, speed_kmh: 0.25, heading_deg: 0.5 }, 'v-00042\t1795428005.007\t-0.250000\t-0.000001\t0.3\t1\tvan\n'],
    ['the epoch itself', { ts_ms: 0 }, 'v-00042\t0.000\t45.501230\t-73.567890\t32.4\t271\tvan\n'],
  ])('writes %s', (_name, change, line) => {
    const body = createTsvBody(8);
    body.add({ ...base, ...change });
    expect(body.bytes().toString()).toBe(line);
  });

  it('writes 50 000 random positions, growing as it goes, each line reading back within half a unit of its last digit', () => {
    const { random } = seededRandom('encode-batch');
    const body = createTsvBody(16);
    const positions: Position[] = [];
    for (let i = 0; i < 50_000; i++) {
      const p: Position = {
        vehicle_id: `v-${i}`.padEnd(1 + (i % 64), 'x'),
        ts_ms: Math.floor(random.float() * 4e12),
        lat: (random.float() * 2 - 1) * 90,
        lon: (random.float() * 2 - 1) * 180,
        speed_kmh: random.float() * 400,
        heading_deg: random.float() * 360,
        vehicle_type: 'abcdefghijklmnopqrstuvwxyz012345'.slice(0, i % 33),
      };
      body.add(p);
      positions.push(p);
    }
    expect(body.rows).toBe(50_000);
    const lines = body.bytes().toString().split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(positions.length);
    const problems: string[] = [];
    const near = (text: string, digits: number, value: number) =>
      new RegExp(`^-?\\d+\\.\\d{${digits}}$`).test(text) && Math.abs(Number(text) - value) <= 0.5 * 10 ** -digits + 1e-9;
    positions.forEach((p, i) => {
      const got = readBack(lines[i]!);
      const heading = Math.abs(got.heading - p.heading_deg);
      const ok =
        got.vehicle_id === p.vehicle_id && got.vehicle_type === p.vehicle_type && got.tsMs === p.ts_ms &&
        near(got.lat, 6, p.lat) && near(got.lon, 6, p.lon) && near(got.speed, 1, p.speed_kmh) &&
        Number.isInteger(got.heading) && got.heading >= 0 && got.heading < 360 && Math.min(heading, 360 - heading) <= 0.5;
      if (!ok) problems.push(`${JSON.stringify(p)} → ${lines[i]}`);
    });
    expect(problems.slice(0, 5)).toEqual([]);
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
    expect(body.bytes().toString()).toBe(
      `${baseLine('v-1')}${NO_EXTRAS}\n` +
        `${baseLine('v-2')}${NO_EXTRAS}\n` +
        `${baseLine('v-3')}\t\\N\t9\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\t{}\n` +
        `${baseLine('v-4')}${NO_EXTRAS}\n`,
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
    expect(encoded.body.toString()).toBe(`${baseLine()}\n`);
    expect(encoded.rows).toBe(1);
    expect(encoded.newestTsMs).toBe(base.ts_ms);
    expect(encoded.rejects.map((r) => [r.offset, r.reason])).toEqual([[11, 'not_json'], [12, 'lat_out_of_range']]);
  });
});
