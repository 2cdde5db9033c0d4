import type { FastifyInstance, FastifyRequest } from 'fastify';
import { restrictionParams } from '../auth/restriction.ts';
import { countLines } from '../counted-body.ts';
import { ndjsonBody } from '../ndjson.ts';
import { dateTimeParam, numberParam, rfc3339FromClickHouse, stringArrayParam } from '../param-text.ts';
import { checkLimit, parseBbox, MAX_REQUEST_DURATION, parseRequestDuration, splitVehicleTypes, WORLD } from '../request-checks.ts';
import { bboxProperty, errorResponses, limitProperty, periodProperties, VEHICLE_ID_PATTERN, vehicleTypesQueryProperty } from '../schemas.ts';
import { checkPeriod } from '../time-range.ts';
import { trackFeature, trackFeatureSchema, type TrackRow } from '../track-feature.ts';

type TrackFormat = 'geojson' | 'ndjson' | 'csv' | 'parquet';

interface TrackQuery {
  readonly from: string;
  readonly to: string;
  readonly format: TrackFormat;
  readonly limit: number;
}

interface LatestQuery {
  readonly bbox?: string;
  readonly vehicle_types?: string;
  readonly max_age?: string;
  readonly limit: number;
}

/** A row of queries/sql/vehicles-latest.sql: a track point and whose it is. */
type LatestRow = TrackRow & { readonly vehicle_id: string };

const positionProperties = {
  ts: { type: 'string', format: 'date-time' },
  lat: { type: 'number' },
  lon: { type: 'number' },
  speed_kmh: { type: 'number' },
  heading_deg: { type: 'integer' },
  vehicle_type: { type: 'string' },
} as const;

const RAW_TYPES = { csv: 'text/csv; charset=utf-8', parquet: 'application/vnd.apache.parquet' } as const;

/** GET /v1/vehicles/{id}/track and GET /v1/vehicles/latest. */
export async function vehicleRoutes(app: FastifyInstance): Promise<void> {
  const { config } = app.api;

  app.get<{ Params: { id: string }; Querystring: TrackQuery }>(
    '/v1/vehicles/:id/track',
    {
      config: { scope: 'read', heavy: true },
      schema: {
        tags: ['vehicles'],
        summary: "one vehicle's positions in a period, in time order",
        description:
          'geojson: a Feature whose LineString holds the points and whose properties.coordinate_properties holds per-point ts, speed_kmh and heading_deg ' +
          '(a Point for a single position, null geometry for none). ndjson: one position per line. csv and parquet: the named query\'s columns. ' +
          `At most limit points (the earliest); api.max_track_points = ${config.max_track_points}.`,
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: VEHICLE_ID_PATTERN, description: 'vehicle_id' } } },
        querystring: {
          type: 'object',
          required: ['from', 'to'],
          additionalProperties: false,
          properties: {
            ...periodProperties,
            format: { type: 'string', enum: ['geojson', 'ndjson', 'csv', 'parquet'], default: 'geojson' },
            limit: { type: 'integer', minimum: 1, default: config.max_track_points, description: `most points returned (at most ${config.max_track_points}, api.max_track_points)` },
          },
        },
        response: {
          200: {
            description: 'the track',
            content: {
              'application/geo+json': { schema: trackFeatureSchema },
              'application/x-ndjson': { schema: { type: 'string', description: 'one {ts, lat, lon, speed_kmh, heading_deg, vehicle_type} per line' } },
              [RAW_TYPES.csv]: { schema: { type: 'string' } },
              [RAW_TYPES.parquet]: { schema: { type: 'string', format: 'binary' } },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { format } = request.query;
      const period = checkPeriod(request.query.from, request.query.to, config.max_period.ms);
      const limit = checkLimit(request.query.limit, config.max_track_points, 'api.max_track_points');
      const params = { vehicle_id: id, from: dateTimeParam(period.fromMs), to: dateTimeParam(period.toMs), limit: numberParam(limit), ...restrictionParams(request.apiKey) };
      if (format === 'csv' || format === 'parquet') {
        const body = await app.queries.raw('vehicle-track', params, format === 'csv' ? 'CSVWithNames' : 'Parquet');
        return reply
          .type(RAW_TYPES[format])
          .header('content-disposition', `attachment; filename="${id}-track.${format}"`)
          .send(format === 'csv' ? countLines(body, request, 1) : body);
      }
      if (format === 'ndjson') {
        const rows = await app.queries.stream<TrackRow>('vehicle-track', params);
        return reply.type('application/x-ndjson').send(ndjsonBody(trackLines(rows, request), 'vehicle-track', config.query_timeout.ms, request));
      }
      const { rows } = await app.queries.all<TrackRow>('vehicle-track', { ...params, limit: numberParam(limit + 1) });
      request.auditRows = Math.min(rows.length, limit);
      return reply.type('application/geo+json').send(trackFeature(id, request.query.from, request.query.to, rows, limit));
    },
  );

  app.get<{ Querystring: LatestQuery }>(
    '/v1/vehicles/latest',
    {
      config: { scope: 'live' },
      schema: {
        tags: ['vehicles'],
        summary: 'the last known position of every vehicle',
        description: 'Read from fleet.latest_positions (a materialized view keeps it), not from history.',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            bbox: bboxProperty,
            vehicle_types: vehicleTypesQueryProperty,
            max_age: { type: 'string', maxLength: 32, description: `only vehicles seen within this long before now, e.g. 10m, 2h, 7d (at most ${MAX_REQUEST_DURATION})` },
            limit: limitProperty('vehicles', config.default_limit, config.max_limit),
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['as_of', 'vehicles', 'truncated'],
            properties: {
              as_of: { type: 'string', format: 'date-time', description: 'the API time max_age counts back from' },
              vehicles: { type: 'array', items: { type: 'object', properties: { vehicle_id: { type: 'string' }, ...positionProperties } } },
              truncated: { type: 'boolean' },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const now = app.api.now();
      const maxAge = parseRequestDuration(request.query.max_age, 'max_age');
      const box = parseBbox(request.query.bbox) ?? WORLD;
      const limit = checkLimit(request.query.limit, config.max_limit);
      const { rows } = await app.queries.all<LatestRow>('vehicles-latest', {
        since: dateTimeParam(maxAge === undefined ? 0 : now - maxAge),
        min_lon: numberParam(box.minLon),
        min_lat: numberParam(box.minLat),
        max_lon: numberParam(box.maxLon),
        max_lat: numberParam(box.maxLat),
        vehicle_types: stringArrayParam(splitVehicleTypes(request.query.vehicle_types)),
        limit: numberParam(limit + 1),
        ...restrictionParams(request.apiKey),
      });
      request.auditRows = Math.min(rows.length, limit);
      return {
        as_of: new Date(now).toISOString(),
        vehicles: rows.slice(0, limit).map((row) => ({ ...row, ts: rfc3339FromClickHouse(row.ts) })),
        truncated: rows.length > limit,
      };
    },
  );
}

async function* trackLines(rows: AsyncIterable<TrackRow>, request: FastifyRequest): AsyncGenerator<string> {
  for await (const row of rows) {
    request.auditRows++;
    yield `${JSON.stringify({ ...row, ts: rfc3339FromClickHouse(row.ts) })}\n`;
  }
}
