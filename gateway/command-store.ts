import { queryRows, type ClickHouseClient } from '../core/clickhouse.ts';
import { TABLES } from '../core/names.ts';

/** What became of a command: stored states, and `expired` (queued or sent, never answered, past its expiry) as readers show it. */
export type CommandStatus = 'queued' | 'sent' | 'answered' | 'unanswered' | 'expired';

/** A command in its newest state (fleet.device_commands, schema/migrations/0023). */
export interface DeviceCommand {
  readonly command_id: string;
  readonly device_id: string;
  readonly command: string;
  readonly status: CommandStatus;
  /** The device's answer; '' until answered. */
  readonly answer: string;
  readonly created_at_ms: number;
  readonly expires_at_ms: number;
  readonly updated_at_ms: number;
}

/** The one home of fleet.device_commands' SQL: the API queues and reads, the gateways' relays take and record. */
export interface CommandStore {
  /** A new row for a command: its first (`queued`) or a later state. */
  record(command: Omit<DeviceCommand, 'updated_at_ms'>, actor: string): Promise<void>;
  get(deviceId: string, commandId: string): Promise<DeviceCommand | undefined>;
  /** Commands whose newest state is `queued` and that have not expired, oldest first. */
  queued(): Promise<DeviceCommand[]>;
}

interface Row {
  command_id: string;
  device_id: string;
  command: string;
  status: CommandStatus;
  answer: string;
  created_ms: string;
  expires_ms: string;
  updated_ms: string;
}

const NEWEST = `
  SELECT command_id, device_id, any(command) AS command, argMax(status, updated_at) AS status, argMax(answer, updated_at) AS answer,
         toString(toUnixTimestamp64Milli(min(created_at))) AS created_ms, toString(toUnixTimestamp64Milli(max(expires_at))) AS expires_ms,
         toString(toUnixTimestamp64Milli(max(updated_at))) AS updated_ms
  FROM ${TABLES.deviceCommands}`;

export function createCommandStore(client: ClickHouseClient, now: () => number = Date.now): CommandStore {
  // Strictly increasing change times from this process: a command's states must not tie.
  let last = 0;
  const stamp = () => (last = Math.max(last + 1, now()));
  const toCommand = (r: Row): DeviceCommand => {
    const expired = (r.status === 'queued' || r.status === 'sent') && Number(r.expires_ms) <= now();
    return {
      command_id: r.command_id, device_id: r.device_id, command: r.command, status: expired ? 'expired' : r.status, answer: r.answer,
      created_at_ms: Number(r.created_ms), expires_at_ms: Number(r.expires_ms), updated_at_ms: Number(r.updated_ms),
    };
  };
  return {
    async record(c, actor) {
      await client.insert({
        table: TABLES.deviceCommands,
        format: 'JSONEachRow',
        values: [{ command_id: c.command_id, device_id: c.device_id, command: c.command, status: c.status, answer: c.answer, actor, created_at: c.created_at_ms, expires_at: c.expires_at_ms, updated_at: stamp() }],
        clickhouse_settings: { date_time_input_format: 'best_effort', async_insert: 0 },
      });
    },
    async get(deviceId, commandId) {
      const [row] = await queryRows<Row>(client, `${NEWEST} WHERE device_id = {d:String} AND command_id = {c:String} GROUP BY device_id, command_id`, { d: deviceId, c: commandId });
      return row && toCommand(row);
    },
    async queued() {
      const rows = await queryRows<Row>(
        client,
        `${NEWEST} WHERE expires_at > now64(3) GROUP BY device_id, command_id HAVING status = 'queued' ORDER BY created_ms, command_id`,
      );
      return rows.map(toCommand).filter((c) => c.status === 'queued');
    },
  };
}
