import type { FastifyInstance } from 'fastify';
import { queryRows } from '../../core/clickhouse.ts';
import { FleetlakeError } from '../../core/errors.ts';
import { TABLES } from '../../core/names.ts';
import type { ApiKey } from '../auth/api-key-store.ts';

/**
 * What a restricted key may do to a device: one restricted to a vehicle group
 * acts only on devices whose vehicles (`vehicles`: the current one, and the
 * new one when the device moves) are all in its group; one restricted to an
 * area acts on none, since a device has no place of its own to check.
 */
export async function checkDeviceAccess(app: FastifyInstance, key: ApiKey | null, deviceId: string, vehicles: readonly string[], action: string): Promise<void> {
  if (!key || (!key.vehicleGroup && !key.area)) return;
  if (key.area) throw new FleetlakeError('DEVICE_FORBIDDEN', { key: key.name, restriction: 'an area', action, id: deviceId });
  const [row] = await queryRows<{ n: string }>(
    app.clickhouse,
    `SELECT uniqExact(vehicle_id) AS n FROM ${TABLES.vehicleGroups} WHERE group_name = {g:String} AND vehicle_id IN {v:Array(String)}`,
    { g: key.vehicleGroup, v: [...new Set(vehicles)] },
  );
  if (Number(row?.n ?? 0) !== new Set(vehicles).size) throw new FleetlakeError('DEVICE_FORBIDDEN', { key: key.name, restriction: `group ${key.vehicleGroup}`, action, id: deviceId });
}
