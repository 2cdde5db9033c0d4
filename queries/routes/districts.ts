import type { FastifyInstance } from 'fastify';
import type { MultiPolygonCoords } from '../../core/geojson.ts';
import { restrictionParams } from '../auth/restriction.ts';
import { findDistrict } from '../area-input.ts';
import { dateTimeParam, numberParam } from '../param-text.ts';
import { errorResponses } from '../schemas.ts';
import { formatDurationMs } from '../../core/duration.ts';
import { parseInstant } from '../time-range.ts';

interface DistrictRow {
  readonly id: string;
  readonly name: string;
  readonly polygons: MultiPolygonCoords;
}

const districtSchema = {
  type: 'object',
  required: ['id', 'name', 'geometry'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    geometry: {
      type: 'object',
      description: 'GeoJSON MultiPolygon, [lon, lat] positions',
      properties: { type: { type: 'string', enum: ['MultiPolygon'] }, coordinates: { type: 'array', items: {} } },
    },
  },
} as const;

/** GET /v1/districts and GET /v1/districts/{id}/count. */
export async function districtRoutes(app: FastifyInstance): Promise<void> {
  const { config } = app.api;

  app.get(
    '/v1/districts',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['districts'],
        summary: 'every district with its outline',
        description: 'From fleet.districts (`fleetlake districts load` replaces them; migrate loads the built-in city when empty).',
        response: { 200: { type: 'object', required: ['districts'], properties: { districts: { type: 'array', items: districtSchema } } }, ...errorResponses },
      },
    },
    async (request) => {
      const { rows } = await app.queries.all<DistrictRow>('districts-list', {});
      request.auditRows = rows.length;
      return { districts: rows.map((d) => ({ id: d.id, name: d.name, geometry: { type: 'MultiPolygon', coordinates: d.polygons } })) };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { ts?: string } }>(
    '/v1/districts/:id/count',
    {
      config: { scope: 'read', heavy: true },
      schema: {
        tags: ['districts'],
        summary: 'how many vehicles were inside a district at an instant',
        description:
          `A vehicle counts when its last position in the look-back window (ts - ${config.district_lookback.text}, ts] is inside the district ` +
          '(api.district_lookback); vehicles with no position in the window count nowhere. Without ts, now.',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 128 } } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ts: { type: 'string', format: 'date-time', description: 'the instant (RFC 3339); absent means now' } },
        },
        response: {
          200: {
            type: 'object',
            required: ['district_id', 'name', 'ts', 'lookback', 'vehicles', 'vehicles_seen'],
            properties: {
              district_id: { type: 'string' },
              name: { type: 'string' },
              ts: { type: 'string', format: 'date-time' },
              lookback: { type: 'string', description: 'the look-back window, api.district_lookback' },
              vehicles: { type: 'integer', description: 'vehicles whose last position in the window is inside the district' },
              vehicles_seen: { type: 'integer', description: 'vehicles with any position in the window, anywhere' },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const at = request.query.ts === undefined ? app.api.now() : parseInstant(request.query.ts, 'ts');
      const district = await findDistrict(app.queries, request.params.id);
      const { rows } = await app.queries.all<{ vehicles: string; vehicles_seen: string }>('district-count', {
        district_id: district.id,
        at: dateTimeParam(at),
        lookback_ms: numberParam(config.district_lookback.ms),
        ...restrictionParams(request.apiKey),
      });
      request.auditRows = 1;
      return {
        district_id: district.id,
        name: district.name,
        ts: new Date(at).toISOString(),
        lookback: formatDurationMs(config.district_lookback.ms),
        vehicles: Number(rows[0]?.vehicles ?? 0),
        vehicles_seen: Number(rows[0]?.vehicles_seen ?? 0),
      };
    },
  );
}
