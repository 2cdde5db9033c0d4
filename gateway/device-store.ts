import { queryRows, type ClickHouseClient } from '../core/clickhouse.ts';
import { FleetlakeError } from '../core/errors.ts';
import { TABLES } from '../core/names.ts';

/** One device of the registry, fleet.devices (schema/migrations/0021). */
export interface DeviceEntry {
  readonly device_id: string;
  readonly vehicle_id: string;
  /** '' when none was given. */
  readonly vehicle_type: string;
  readonly enabled: boolean;
}

export type DeviceSource = 'cli' | 'import' | 'api' | 'gateway';

/** The registry's one home for SQL: every reader and writer of fleet.devices goes through here. */
export interface DeviceStore {
  /** Every device in its newest state, ordered by id. */
  list(): Promise<DeviceEntry[]>;
  get(deviceId: string): Promise<DeviceEntry | undefined>;
  /** Writes new states; the newest write of a device wins. */
  put(entries: readonly DeviceEntry[], source: DeviceSource): Promise<void>;
}

const DEVICE_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const VEHICLE_TYPE = /^[a-z0-9_-]{1,32}$/;

/** Checks one entry; the message says which field and what is allowed. */
export function checkDevice(entry: DeviceEntry): string | undefined {
  if (!DEVICE_ID.test(entry.device_id)) return `device id ${JSON.stringify(entry.device_id)} must be 1 to 64 of A-Z a-z 0-9 . _ : -`;
  if (!DEVICE_ID.test(entry.vehicle_id)) return `vehicle id ${JSON.stringify(entry.vehicle_id)} must be 1 to 64 of A-Z a-z 0-9 . _ : -`;
  if (entry.vehicle_type !== '' && !VEHICLE_TYPE.test(entry.vehicle_type)) return `vehicle type ${JSON.stringify(entry.vehicle_type)} must be 1 to 32 of a-z 0-9 _ -`;
  return undefined;
}

const NEWEST = `
  SELECT device_id, argMax(vehicle_id, updated_at) AS vehicle_id, argMax(vehicle_type, updated_at) AS vehicle_type, argMax(enabled, updated_at) AS enabled
  FROM ${TABLES.devices}`;

export function createDeviceStore(client: ClickHouseClient, now: () => number = Date.now): DeviceStore {
  // Strictly increasing change times from this process: two changes in one millisecond must not tie.
  let last = 0;
  const stamp = () => (last = Math.max(last + 1, now()));
  return {
    list: () => queryRows<DeviceEntry>(client, `${NEWEST} GROUP BY device_id ORDER BY device_id`),
    async get(deviceId) {
      const [row] = await queryRows<DeviceEntry>(client, `${NEWEST} WHERE device_id = {id:String} GROUP BY device_id`, { id: deviceId });
      return row;
    },
    async put(entries, source) {
      for (const entry of entries) {
        const problem = checkDevice(entry);
        if (problem) throw new FleetlakeError('DEVICE_INVALID', { detail: problem });
      }
      if (entries.length === 0) return;
      await client.insert({
        table: TABLES.devices,
        format: 'JSONEachRow',
        values: entries.map((e) => ({ ...e, source, updated_at: stamp() })),
        clickhouse_settings: { date_time_input_format: 'best_effort' },
      });
    },
  };
}
