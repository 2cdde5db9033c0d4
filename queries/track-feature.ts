import { rfc3339FromClickHouse } from './param-text.ts';

/** A row of queries/sql/vehicle-track.sql. */
export interface TrackRow {
  readonly ts: string;
  readonly lat: number;
  readonly lon: number;
  readonly speed_kmh: number;
  readonly heading_deg: number;
  readonly vehicle_type: string;
}

export const trackFeatureSchema = {
  type: 'object',
  required: ['type', 'geometry', 'properties'],
  properties: {
    type: { type: 'string', enum: ['Feature'] },
    geometry: {
      type: 'object',
      nullable: true,
      description: 'LineString of [lon, lat] in time order; a Point for a single position; null for none',
      properties: {
        type: { type: 'string', enum: ['LineString', 'Point'] },
        coordinates: { type: 'array', items: {} },
      },
    },
    properties: {
      type: 'object',
      properties: {
        vehicle_id: { type: 'string' },
        vehicle_type: { type: 'string' },
        from: { type: 'string', format: 'date-time' },
        to: { type: 'string', format: 'date-time' },
        points: { type: 'integer' },
        truncated: { type: 'boolean', description: 'the period holds more points than the limit; these are the earliest' },
        coordinate_properties: {
          type: 'object',
          description: 'per-point values, aligned with the coordinates',
          properties: {
            ts: { type: 'array', items: { type: 'string', format: 'date-time' } },
            speed_kmh: { type: 'array', items: { type: 'number' } },
            heading_deg: { type: 'array', items: { type: 'integer' } },
          },
        },
      },
    },
  },
} as const;

/** The GeoJSON form of a track; `rows` may hold one row past `limit`, which sets `truncated`. */
export function trackFeature(vehicleId: string, from: string, to: string, rows: readonly TrackRow[], limit: number) {
  const points = rows.slice(0, limit);
  const coordinates = points.map((p) => [p.lon, p.lat]);
  const geometry =
    coordinates.length === 0 ? null : coordinates.length === 1 ? { type: 'Point', coordinates: coordinates[0] } : { type: 'LineString', coordinates };
  return {
    type: 'Feature',
    geometry,
    properties: {
      vehicle_id: vehicleId,
      vehicle_type: points.at(-1)?.vehicle_type ?? '',
      from,
      to,
      points: points.length,
      truncated: rows.length > limit,
      coordinate_properties: {
        ts: points.map((p) => rfc3339FromClickHouse(p.ts)),
        speed_kmh: points.map((p) => p.speed_kmh),
        heading_deg: points.map((p) => p.heading_deg),
      },
    },
  };
}
