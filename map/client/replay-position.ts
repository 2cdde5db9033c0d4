/** A vehicle's positions in time order, times in ms. */
export interface ReplayTrack {
  readonly vehicleId: string;
  readonly vehicleType: string;
  readonly times: readonly number[];
  readonly points: readonly (readonly [number, number])[];
  readonly headings: readonly number[];
}

export interface ReplayPosition {
  readonly vehicleId: string;
  readonly vehicleType: string;
  readonly lon: number;
  readonly lat: number;
  readonly heading: number;
  /** When the lake last heard of it at or before the instant. */
  readonly ts: number;
}

/**
 * Where a vehicle was at instant t: its last stored position at or before t
 * (last known, not interpolated: the replay shows only what the lake holds,
 * and a vehicle with no position yet at t is not shown). Binary search:
 * times are in ascending order.
 */
export function positionAt(track: ReplayTrack, t: number): ReplayPosition | undefined {
  let lo = 0;
  let hi = track.times.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (track.times[mid]! <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0) return undefined;
  const [lon, lat] = track.points[found]!;
  return { vehicleId: track.vehicleId, vehicleType: track.vehicleType, lon, lat, heading: track.headings[found] ?? 0, ts: track.times[found]! };
}

/** A line of POST /v1/area-query/positions in NDJSON (ts as ClickHouse writes it: 'YYYY-MM-DD hh:mm:ss.sss', UTC). */
export interface AreaPosition {
  readonly vehicle_id: string;
  readonly ts: string;
  readonly lat: number;
  readonly lon: number;
  readonly heading_deg: number;
  readonly vehicle_type: string;
}

/** The positions of an area query, which come by vehicle then time, as one track per vehicle; `keep` picks the vehicles. */
export function tracksFromPositions(positions: Iterable<AreaPosition>, keep: (vehicleId: string) => boolean): ReplayTrack[] {
  const tracks: { vehicleId: string; vehicleType: string; times: number[]; points: [number, number][]; headings: number[] }[] = [];
  for (const p of positions) {
    if (!keep(p.vehicle_id)) continue;
    let track = tracks.at(-1);
    if (track?.vehicleId !== p.vehicle_id) {
      track = { vehicleId: p.vehicle_id, vehicleType: p.vehicle_type, times: [], points: [], headings: [] };
      tracks.push(track);
    }
    track.vehicleType = p.vehicle_type;
    track.times.push(Date.parse(`${p.ts.replace(' ', 'T')}Z`));
    track.points.push([p.lon, p.lat]);
    track.headings.push(p.heading_deg);
  }
  return tracks;
}
