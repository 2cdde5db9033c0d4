import { describe, expect, it } from 'vitest';
import { positionAt, tracksFromPositions, type ReplayTrack } from './replay-position.ts';

const at = (iso: string) => Date.parse(iso);
const track: ReplayTrack = {
  vehicleId: 'v-1',
  vehicleType: 'van',
  times: [at('2025-03-03T06:00:00.000Z'), at('2025-03-03T06:00:10.000Z'), at('2025-03-03T06:00:20.000Z')],
  points: [[-73.6, 45.5], [-73.59, 45.51], [-73.58, 45.52]],
  headings: [0, 90, 180],
};

describe('positionAt: where a replayed vehicle is at an instant', () => {
  it('is its last stored position at or before the instant, not an interpolation', () => {
    expect(positionAt(track, at('2025-03-03T06:00:10.000Z'))).toEqual({ vehicleId: 'v-1', vehicleType: 'van', lon: -73.59, lat: 45.51, heading: 90, ts: at('2025-03-03T06:00:10.000Z') });
    expect(positionAt(track, at('2025-03-03T06:00:19.999Z'))).toMatchObject({ lon: -73.59, lat: 45.51 });
    expect(positionAt(track, at('2025-03-03T07:00:00.000Z'))).toMatchObject({ lon: -73.58, lat: 45.52, heading: 180 });
  });

  it('shows nothing before the first position, and nothing for an empty track', () => {
    expect(positionAt(track, at('2025-03-03T05:59:59.999Z'))).toBeUndefined();
    const empty: ReplayTrack = { vehicleId: 'v-2', vehicleType: '', times: [], points: [], headings: [] };
    expect(positionAt(empty, at('2025-03-03T06:00:00.000Z'))).toBeUndefined();
  });
});

describe('tracksFromPositions: the lines of POST /v1/area-query/positions as one track per vehicle', () => {
  const line = (vehicle_id: string, ts: string, lon: number, heading_deg = 0, vehicle_type = 'van') => ({ vehicle_id, ts, lat: 45.5, lon, heading_deg, vehicle_type });

  it('groups the lines, which come by vehicle then time, keeping the vehicles asked for', () => {
    const tracks = tracksFromPositions(
      [line('v-1', '2025-03-03 06:00:00.000', -73.6, 10), line('v-1', '2025-03-03 06:00:10.500', -73.59, 20), line('v-2', '2025-03-03 06:00:05.000', -73.5), line('v-3', '2025-03-03 06:00:01.000', -73.4, 0, 'car')],
      (id) => id !== 'v-2',
    );
    expect(tracks).toEqual([
      { vehicleId: 'v-1', vehicleType: 'van', times: [at('2025-03-03T06:00:00.000Z'), at('2025-03-03T06:00:10.500Z')], points: [[-73.6, 45.5], [-73.59, 45.5]], headings: [10, 20] },
      { vehicleId: 'v-3', vehicleType: 'car', times: [at('2025-03-03T06:00:01.000Z')], points: [[-73.4, 45.5]], headings: [0] },
    ]);
    expect(positionAt(tracks[0]!, at('2025-03-03T06:00:10.000Z'))).toMatchObject({ lon: -73.6, heading: 10 });
  });
});
