import type { ClickHouseClient } from '../../core/clickhouse.ts';
import { TABLES } from '../../core/names.ts';

/** fleet.vehicle_groups is written here and only here; keys restricted to a group read it in SQL. */
export async function addToVehicleGroup(client: ClickHouseClient, group: string, vehicleIds: readonly string[]): Promise<void> {
  await client.insert({
    table: TABLES.vehicleGroups,
    values: vehicleIds.map((vehicle_id) => ({ group_name: group, vehicle_id })),
    format: 'JSONEachRow',
  });
}
