import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test-support/test-seed.ts';
import { decodeOsmandJson, decodeOsmandQuery, encodeOsmandJson, encodeOsmandQuery, KNOT_KMH, type OsmandReport } from './osmand-report.ts';

const query = (q: string) => decodeOsmandQuery(new URLSearchParams(q));

describe('OsmAnd: the two forms of the devices reference', () => {
  it('the query string: id, lat, lon, timestamp (epoch seconds), speed in knots, bearing, altitude, accuracy, batt', () => {
    expect(query('id=123456&lat=45.5&lon=-73.56&timestamp=1796551200&speed=10&bearing=90&altitude=30&accuracy=5&batt=80')).toEqual({
      ok: true,
      value: { deviceId: '123456', timestampMs: 1_796_551_200_000, lat: 45.5, lon: -73.56, speedKmh: 10 * KNOT_KMH, bearingDeg: 90, altitudeM: 30, accuracyM: 5, batteryPercent: 80 },
    });
  });

  it('the query string with an ISO 8601 timestamp', () => {
    expect(query('id=a&lat=1&lon=2&timestamp=2026-12-06T10:00:00Z')).toEqual({ ok: true, value: { deviceId: 'a', timestampMs: Date.UTC(2026, 11, 6, 10), lat: 1, lon: 2 } });
  });

  it('the JSON body of current app versions: speed in m/s, battery level 0..1', () => {
    const body = {
      device_id: 'phone-7',
      location: {
        timestamp: '2026-12-06T10:00:00Z',
        coords: { latitude: 45.5, longitude: -73.56, speed: 4.2, heading: 90, altitude: 30, accuracy: 5 },
        is_moving: true,
        battery: { level: 0.8 },
      },
    };
    expect(decodeOsmandJson(body)).toEqual({
      ok: true,
      value: [{ deviceId: 'phone-7', timestampMs: Date.UTC(2026, 11, 6, 10), lat: 45.5, lon: -73.56, speedKmh: 4.2 * 3.6, bearingDeg: 90, altitudeM: 30, accuracyM: 5, batteryPercent: 80, moving: true }],
    });
  });

  it('the app\'s "unknown" values (-1 speed, heading and battery) are left out', () => {
    const body = { device_id: 'p', location: { timestamp: '2026-12-06T10:00:00Z', coords: { latitude: 1, longitude: 2, speed: -1, heading: -1 }, battery: { level: -1 } } };
    expect(decodeOsmandJson(body)).toEqual({ ok: true, value: [{ deviceId: 'p', timestampMs: Date.UTC(2026, 11, 6, 10), lat: 1, lon: 2 }] });
  });
});

describe('OsmAnd: bad requests name the field', () => {
  it.each([
    ['lat=1&lon=2&timestamp=1', 'id', 'is missing'],
    ['id=a&lon=2&timestamp=1', 'lat', 'is missing'],
    ['id=a&lat=91&lon=2&timestamp=1', 'lat', 'outside'],
    ['id=a&lat=1&lon=x&timestamp=1', 'lon', 'not a number'],
    ['id=a&lat=1&lon=2', 'timestamp', 'is missing'],
    ['id=a&lat=1&lon=2&timestamp=yesterday', 'timestamp', 'neither'],
    ['id=a%20b&lat=1&lon=2&timestamp=1', 'id', 'must be'],
    ['id=a&lat=1&lon=2&timestamp=1&speed=-3', 'speed', 'outside'],
  ])('%s → 400 naming %s', (q, field, words) => {
    const out = query(q);
    expect(out).toMatchObject({ ok: false, reason: 'malformed', field });
    expect(!out.ok && out.detail).toContain(words);
  });

  it('JSON bodies name the path of the field', () => {
    expect(decodeOsmandJson([])).toMatchObject({ ok: false, field: 'body' });
    expect(decodeOsmandJson({ device_id: 'p' })).toMatchObject({ ok: false, field: 'location' });
    expect(decodeOsmandJson({ device_id: 'p', location: { timestamp: 'x', coords: {} } })).toMatchObject({ ok: false, field: 'location.timestamp' });
    expect(decodeOsmandJson({ device_id: 'p', location: [{ timestamp: '2026-12-06T10:00:00Z', coords: { latitude: 1 } }] })).toMatchObject({
      ok: false,
      field: 'location[0].coords.longitude',
    });
  });
});

describe('OsmAnd: round trips on random reports', () => {
  const { random } = seededRandom('osmand');
  const randomReport = (): OsmandReport => ({
    deviceId: `dev-${random.int(1e6)}`,
    timestampMs: 946_684_800_000 + random.int(3_000_000) * 1000,
    lat: Math.round((random.float() * 180 - 90) * 1e6) / 1e6,
    lon: Math.round((random.float() * 360 - 180) * 1e6) / 1e6,
    speedKmh: random.float() * 200,
    bearingDeg: random.int(360),
    altitudeM: random.int(3000) - 100,
    accuracyM: random.int(50),
    batteryPercent: random.int(101),
  });

  it('the query form and the JSON form both give back the report (speed to 1e-9 km/h)', () => {
    for (let i = 0; i < 500; i++) {
      const report = randomReport();
      const q = query(encodeOsmandQuery(report));
      const j = decodeOsmandJson(JSON.parse(encodeOsmandJson(report)));
      if (!q.ok || !j.ok) throw new Error(`${JSON.stringify(q)} ${JSON.stringify(j)}`);
      for (const back of [q.value, j.value[0]!]) {
        const { speedKmh, batteryPercent, ...rest } = back;
        const { speedKmh: want, batteryPercent: wantBattery, ...wantRest } = report;
        expect(rest).toEqual(wantRest);
        expect(speedKmh).toBeCloseTo(want!, 9);
        expect(batteryPercent).toBeCloseTo(wantBattery!, 9);
      }
    }
  });
});
