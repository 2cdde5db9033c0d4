import { describe, expect, it } from 'vitest';
import { positionAt, replayTrack, tracksFromPositions, type ReplayTrack } from './replay-position.ts';

const track: ReplayTrack = replayTrack({
  geometry: { type: 'LineString', coordinates: [[-73.6, 45.5], [-73.59, 45.51], [-73.58, 45.52]] },
  properties: {
    vehicle_id: 'v-1',
    vehicle_type: 'van',
    coordinate_properties: { ts: ['2025-03-03T06:00:00.000Z', '2025-03-03T06:00:10.000Z', '2025-03-03T06:00:20.000Z'], heading_deg: [0, 90, 180] },
  },
});
const at = (iso: string) => Date.parse(iso);

describe('positionAt: where a replayed vehicle is at an instant', () => {
  it('is its last stored position at or before the instant, not an interpolation', () => {
    expect(positionAt(track, at('2025-03-03T06:00:10.000Z'))).toEqual({ vehicleId: 'v-1', vehicleType: 'van', lon: -73.59, lat: 45.51, heading: 90, ts: at('2025-03-03T06:00:10.000Z') });
    expect(positionAt(track, at('2025-03-03T06:00:19.999Z'))).toMatchObject({ lon: -73.59, lat: 45.51 });
    expect(positionAt(track, at('2025-03-03T07:00:00.000Z'))).toMatchObject({ lon: -73.58, lat: 45.52, heading: 180 });
  });

  it('shows nothing before the first position, and nothing for an empty track', () => {
    expect(positionAt(track, at('2025-03-03T05:59:59.999Z'))).toBeUndefined();
    const empty = replayTrack({ geometry: null, properties: { vehicle_id: 'v-2', vehicle_type: '', coordinate_properties: { ts: [], heading_deg: [] } } });
    expect(positionAt(empty, at('2025-03-03T06:00:00.000Z'))).toBeUndefined();
  });

  it('reads a one-point track, which the API gives as a Point', () => {
    const one = replayTrack({ geometry: { type: 'Point', coordinates: [-73.6, 45.5] }, properties: { vehicle_id: 'v-3', vehicle_type: 'car', coordinate_properties: { ts: ['2025-03-03T06:00:00.000Z'], heading_deg: [45] } } });
    expect(positionAt(one, at('2025-03-03T06:00:05.000Z'))).toMatchObject({ lon: -73.6, lat: 45.5, heading: 45 });
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
