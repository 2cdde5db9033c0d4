import type { FastifyInstance } from 'fastify';
import { createDeviceStore } from '../../gateway/device-store.ts';
import { checkDeviceAccess } from './device-access.ts';
import { dateTimeParam, numberParam, rfc3339FromClickHouse } from '../param-text.ts';
import { restrictionParams } from '../auth/restriction.ts';
import { checkLimit, MAX_REQUEST_DURATION, parseRequestDuration } from '../request-checks.ts';
import { errorResponses, limitProperty, VEHICLE_ID_PATTERN, VEHICLE_TYPE_PATTERN } from '../schemas.ts';

/** A row of queries/sql/devices-list.sql. */
interface DeviceRow {
  readonly device_id: string;
  readonly vehicle_id: string;
  readonly vehicle_type: string;
  readonly enabled: boolean;
  readonly seen: boolean | number;
  readonly online: boolean | number;
  readonly last_seen: string;
  readonly lat: number;
  readonly lon: number;
  readonly speed_kmh: number;
  readonly heading_deg: number;
}

/** How long after its last position a device still counts as online, by default: the gateway's idle timeout. */
const DEFAULT_ONLINE_WITHIN = '10m';

const deviceSchema = {
  type: 'object',
  required: ['device_id', 'vehicle_id', 'vehicle_type', 'enabled', 'online', 'last_seen', 'last_position'],
  properties: {
    device_id: { type: 'string', description: 'IMEI, or the Traccar Client id' },
    vehicle_id: { type: 'string' },
    vehicle_type: { type: 'string' },
    enabled: { type: 'boolean' },
    online: { type: 'boolean', description: 'its vehicle was seen within online_within' },
    last_seen: { type: ['string', 'null'], format: 'date-time', description: 'time of its vehicle\'s last position; null when never seen' },
    last_position: {
      type: ['object', 'null'],
      properties: { lat: { type: 'number' }, lon: { type: 'number' }, speed_kmh: { type: 'number' }, heading_deg: { type: 'number' } },
    },
  },
} as const;

/**
 * GET /v1/devices: the device registry with presence and last position, for
 * keys with the `devices` scope; a restricted key sees only the devices of its
 * vehicles (group) or those last seen inside its area. PUT /v1/devices/{id}
 * registers, moves or disables one.
 */
export async function deviceRoutes(app: FastifyInstance): Promise<void> {
  const { config } = app.api;
  app.get<{ Querystring: { online_within?: string; limit: number } }>(
    '/v1/devices',
    {
      config: { scope: 'devices' },
      schema: {
        tags: ['devices'],
        summary: 'every registered tracker: online or not, last seen, last position',
        description:
          'From fleet.devices (`fleetlake devices`) and fleet.latest_positions. A device is online when its vehicle has a position within ' +
          `online_within (default ${DEFAULT_ONLINE_WITHIN}) before now.`,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            online_within: { type: 'string', maxLength: 32, description: `e.g. 2m, 10m, 1h (default ${DEFAULT_ONLINE_WITHIN}, at most ${MAX_REQUEST_DURATION})` },
            limit: limitProperty('devices', config.default_limit, config.max_limit),
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['as_of', 'devices', 'truncated'],
            properties: { as_of: { type: 'string', format: 'date-time' }, devices: { type: 'array', items: deviceSchema }, truncated: { type: 'boolean' } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const now = app.api.now();
      const within = parseRequestDuration(request.query.online_within ?? DEFAULT_ONLINE_WITHIN, 'online_within')!;
      const limit = checkLimit(request.query.limit, config.max_limit);
      const { rows } = await app.queries.all<DeviceRow>('devices-list', {
        online_since: dateTimeParam(now - within),
        limit: numberParam(limit + 1),
        ...restrictionParams(request.apiKey),
      });
      request.auditRows = Math.min(rows.length, limit);
      return {
        as_of: new Date(now).toISOString(),
        devices: rows.slice(0, limit).map((d) => ({
          device_id: d.device_id,
          vehicle_id: d.vehicle_id,
          vehicle_type: d.vehicle_type,
          enabled: Boolean(d.enabled),
          online: Boolean(d.online),
          last_seen: d.seen ? rfc3339FromClickHouse(d.last_seen) : null,
          last_position: d.seen ? { lat: d.lat, lon: d.lon, speed_kmh: d.speed_kmh, heading_deg: d.heading_deg } : null,
        })),
        truncated: rows.length > limit,
      };
    },
  );

  app.put<{ Params: { id: string }; Body: { vehicle_id: string; vehicle_type?: string; enabled?: boolean } }>(
    '/v1/devices/:id',
    {
      config: { scope: 'devices' },
      schema: {
        tags: ['devices'],
        summary: 'register a tracker, move it to another vehicle, or disable it',
        description:
          'Writes the device\'s new state to fleet.devices, as `fleetlake devices add` and `disable` do; running gateways see it within ' +
          'gateway.registry_refresh. A key restricted to a vehicle group may only register devices of its vehicles (and move a device only ' +
          'between them); an area-restricted key none.',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: VEHICLE_ID_PATTERN, description: 'device id (IMEI, or the Traccar Client id)' } } },
        body: {
          type: 'object',
          required: ['vehicle_id'],
          additionalProperties: false,
          properties: {
            vehicle_id: { type: 'string', pattern: VEHICLE_ID_PATTERN },
            vehicle_type: { type: 'string', pattern: `${VEHICLE_TYPE_PATTERN}|^$`, description: "'' or absent: none" },
            enabled: { type: 'boolean', default: true, description: 'false refuses the device from now on; its positions stay' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['device_id', 'vehicle_id', 'vehicle_type', 'enabled'],
            properties: { device_id: { type: 'string' }, vehicle_id: { type: 'string' }, vehicle_type: { type: 'string' }, enabled: { type: 'boolean' } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      const entry = { device_id: id, vehicle_id: request.body.vehicle_id, vehicle_type: request.body.vehicle_type ?? '', enabled: request.body.enabled ?? true };
      const current = await createDeviceStore(app.clickhouse).get(id);
      await checkDeviceAccess(app, request.apiKey, id, current ? [current.vehicle_id, entry.vehicle_id] : [entry.vehicle_id], 'register or change');
      await createDeviceStore(app.writer).put([entry], 'api');
      request.log.info({ device: entry }, 'device registry changed');
      return entry;
    },
  );
}
