import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodePosition, parsePosition, type Position, type TimeBounds } from './position.ts';
import { scanPosition } from './position-scanner.ts';

/** A small seeded generator, so a failing case can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const NOW = Date.parse('2026-11-23T10:00:00.000Z');
const BOUNDS: TimeBounds = { minTsMs: NOW - 7 * 365 * 86_400_000, maxTsMs: NOW + 300_000 };

function randomPosition(random: () => number): Position {
  const micro = (limit: number) => Math.round((random() * 2 - 1) * limit * 1e6) / 1e6;
  return {
    vehicle_id: `v-${String(Math.floor(random() * 100_000)).padStart(5, '0')}`,
    ts_ms: NOW - Math.floor(random() * 40 * 86_400_000),
    lat: micro(90),
    lon: micro(180),
    speed_kmh: Math.round(random() * 1300) / 10,
    heading_deg: Math.floor(random() * 360),
    vehicle_type: ['van', 'truck', 'courier', ''][Math.floor(random() * 4)]!,
  };
}

/** Bytes a hand-edited or foreign producer might put where a compact message has its own. */
const EDIT_BYTES = '0123456789-+.eE",:{}[] \\TZtzn\u00e9';

function mutate(text: string, random: () => number): string {
  const at = Math.floor(random() * text.length);
  const byte = EDIT_BYTES[Math.floor(random() * EDIT_BYTES.length)]!;
  switch (Math.floor(random() * 3)) {
    case 0:
      return text.slice(0, at) + byte + text.slice(at + 1);
    case 1:
      return text.slice(0, at) + text.slice(at + 1);
    default:
      return text.slice(0, at) + byte + text.slice(at);
  }
}

const sameVerdict = (text: string, bounds?: TimeBounds) => {
  const bytes = Buffer.from(text);
  expect(scanPosition(bytes, bounds), text).toEqual(parsePosition(bytes, bounds));
};

const compact = (fields: Record<string, string>) =>
  `{"vehicle_id":"${fields.id ?? 'v-00042'}","ts":"${fields.ts ?? '2026-11-23T10:00:05.000Z'}","lat":${fields.lat ?? '45.50123'},"lon":${fields.lon ?? '-73.56789'},` +
  `"speed_kmh":${fields.speed ?? '32.4'},"heading_deg":${fields.heading ?? '271'}${fields.tail ?? ',"vehicle_type":"van"}'}`;

describe('scanPosition', () => {
  afterEach(() => vi.restoreAllMocks());

  it('reads compact messages without JSON.parse, to the same positions', () => {
    const random = prng(7);
    const parse = vi.spyOn(JSON, 'parse');
    const messages = Array.from({ length: 2000 }, () => encodePosition(randomPosition(random)));
    const scanned = messages.map((m) => scanPosition(Buffer.from(m), BOUNDS));
    expect(parse).not.toHaveBeenCalled();
    parse.mockRestore();
    expect(scanned).toEqual(messages.map((m) => parsePosition(m, BOUNDS)));
  });

  it('gives parsePosition’s verdict on 20 000 mutated messages', () => {
    const random = prng(11);
    for (let n = 0; n < 20_000; n++) {
      let text = encodePosition(randomPosition(random));
      const edits = 1 + Math.floor(random() * 3);
      for (let e = 0; e < edits; e++) text = mutate(text, random);
      sameVerdict(text, n % 2 === 0 ? BOUNDS : undefined);
    }
  });

  it.each([
    ['day past the month end (Date.parse rolls over)', { ts: '2026-02-30T00:00:00.000Z' }],
    ['29 February of a common year', { ts: '2026-02-29T12:00:00Z' }],
    ['31 April', { ts: '2026-04-31T23:59:59.999Z' }],
    ['day 32', { ts: '2026-01-32T00:00:00.000Z' }],
    ['month 0', { ts: '2026-00-10T00:00:00.000Z' }],
    ['hour 24', { ts: '2026-11-23T24:00:00.000Z' }],
    ['second 60', { ts: '2026-11-23T23:59:60.000Z' }],
    ['no fraction', { ts: '2026-11-23T10:00:05Z' }],
    ['one fraction digit', { ts: '2026-11-23T10:00:05.5Z' }],
    ['six fraction digits', { ts: '2026-11-23T10:00:05.123456Z' }],
    ['an offset instead of Z', { ts: '2026-11-23T10:00:05.000+01:00' }],
    ['lower-case t', { ts: '2026-11-23t10:00:05.000Z' }],
    ['year 0000', { ts: '0000-03-01T00:00:00.000Z' }],
    ['year 1969', { ts: '1969-12-31T23:59:59.999Z' }],
    ['a leap day', { ts: '2024-02-29T06:07:08.009Z' }],
    ['latitude exactly 90', { lat: '90' }],
    ['latitude -90.000001', { lat: '-90.000001' }],
    ['longitude -180', { lon: '-180.0' }],
    ['negative zero', { lat: '-0', speed: '-0.0' }],
    ['a leading zero', { lat: '045.5' }],
    ['a bare dot', { lat: '45.' }],
    ['a leading dot', { lat: '.5' }],
    ['an exponent', { lon: '-7.356789e1' }],
    ['15 significant digits', { lat: '45.5012345678901' }],
    ['17 significant digits', { lat: '89.557609311098986' }],
    ['speed 400', { speed: '400' }],
    ['speed above 400', { speed: '400.1' }],
    ['heading just under 360', { heading: '359.999999' }],
    ['heading 360', { heading: '360' }],
    ['heading just over 360', { heading: '360.000001' }],
    ['a 64-character id', { id: 'v'.repeat(64) }],
    ['a 65-character id', { id: 'v'.repeat(65) }],
    ['an empty id', { id: '' }],
    ['an escaped id', { id: 'v-\\u0030042' }],
    ['an id with a space', { id: 'v 42' }],
    ['no vehicle type', { tail: '}' }],
    ['an empty vehicle type', { tail: ',"vehicle_type":""}' }],
    ['a 33-character vehicle type', { tail: `,"vehicle_type":"${'a'.repeat(33)}"}` }],
    ['a null vehicle type', { tail: ',"vehicle_type":null}' }],
    ['an upper-case vehicle type', { tail: ',"vehicle_type":"Van"}' }],
    ['an unknown field', { tail: ',"vehicle_type":"van","odometer_km":12}' }],
    ['a trailing newline', { tail: ',"vehicle_type":"van"}\n' }],
    ['something after the object', { tail: ',"vehicle_type":"van"}}' }],
    ['a truncated message', { tail: ',"vehicle_type":"va' }],
  ])('gives parsePosition’s verdict for %s', (_name, fields) => {
    sameVerdict(compact(fields), BOUNDS);
    sameVerdict(compact(fields));
  });

  it('leaves the time bounds to parsePosition’s reasons', () => {
    const bounds = { minTsMs: Date.parse('2026-11-23T10:00:05.000Z'), maxTsMs: Date.parse('2026-11-23T10:00:06.000Z') };
    for (const ts of ['2026-11-23T10:00:04.999Z', '2026-11-23T10:00:05.000Z', '2026-11-23T10:00:06.000Z', '2026-11-23T10:00:06.001Z']) sameVerdict(compact({ ts }), bounds);
  });

  it('reads text as it reads bytes', () => {
    const text = compact({});
    expect(scanPosition(text, BOUNDS)).toEqual(parsePosition(text, BOUNDS));
    expect(scanPosition('{"vehicle_id":"v-\u00e9"}')).toEqual(parsePosition('{"vehicle_id":"v-\u00e9"}'));
  });
});
