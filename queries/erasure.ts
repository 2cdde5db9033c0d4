import type { ClickHouseClient } from '../core/clickhouse.ts';
import { queryRows } from '../core/clickhouse.ts';
import { DATABASE, TABLES } from '../core/names.ts';

/**
 * Erasure of a vehicle's positions: a driver's right under privacy law. Each
 * table that holds positions gets a ClickHouse mutation (ALTER TABLE … DELETE),
 * which rewrites the parts holding them, so the rows are gone from disk and
 * not just hidden; system.mutations shows each one's progress.
 */
export interface ErasureRequest {
  readonly vehicleId: string;
  /** Only positions strictly before this instant (ms); undefined: all of them. */
  readonly beforeMs?: number;
}

export interface ErasureMutation {
  readonly table: string;
  readonly mutationId: string;
}

export interface ErasureProgress extends ErasureMutation {
  readonly done: boolean;
  readonly partsToDo: number;
  readonly createdAt: string;
  readonly failReason: string;
}

/** Beyond any stored position (DateTime64(3) ends in 2299): "before" when none is given. */
const NO_LIMIT_MS = Date.parse('2300-01-01T00:00:00Z');

/**
 * Where positions live, how a vehicle's rows are found in each, and which
 * time column `before` applies to.
 */
const TABLES_WITH_POSITIONS: readonly { table: string; where: string }[] = [
  { table: TABLES.positions, where: 'vehicle_id = {vehicle_id:String} AND ts < {before:Before}' },
  { table: TABLES.latestPositions, where: 'vehicle_id = {vehicle_id:String} AND ts < {before:Before}' },
  // A rollup row summarises positions: every bucket starting before `before` goes, so no erased position
  // lingers in one. With `before`, the vehicle's later positions in that one bucket leave the rollup too;
  // `fleetlake migrate --rebuild-rollups YYYYMM` restores them from the raw positions.
  { table: TABLES.presenceHourly, where: 'vehicle_id = {vehicle_id:String} AND hour < {before:Before}' },
  { table: TABLES.presenceDaily, where: 'vehicle_id = {vehicle_id:String} AND day < {before:Before}' },
  // A refused message is raw text: any that names the vehicle goes, malformed ones included.
  { table: TABLES.ingestRejects, where: 'position(payload, concat(\'"\', {vehicle_id:String}, \'"\')) > 0 AND received_at < {before:Before}' },
  // Raw tracker frames carry a device id; the gateway's registry (fleet.devices) says whose vehicle it is.
  {
    table: TABLES.deviceFrames,
    where: `device_id IN (SELECT device_id FROM ${TABLES.devices} WHERE vehicle_id = {vehicle_id:String}) AND received_at < {before:Before}`,
  },
];

/**
 * Starts the mutations and returns their ids without waiting for them.
 * `before` travels as epoch milliseconds: ClickHouse mis-reads a DateTime64
 * query parameter inside a mutation (it casts its epoch seconds back as text).
 */
export async function eraseVehicle(client: ClickHouseClient, request: ErasureRequest): Promise<ErasureMutation[]> {
  const mutations: ErasureMutation[] = [];
  for (const { table, where } of TABLES_WITH_POSITIONS) {
    const before = await mutationIds(client, table);
    await client.command({
      query: `ALTER TABLE ${table} DELETE WHERE ${where.replaceAll('{before:Before}', "fromUnixTimestamp64Milli({before_ms:Int64}, 'UTC')")}`,
      query_params: { vehicle_id: request.vehicleId, before_ms: request.beforeMs ?? NO_LIMIT_MS },
      clickhouse_settings: { mutations_sync: '0' },
    });
    for (const id of await mutationIds(client, table)) if (!before.has(id)) mutations.push({ table, mutationId: id });
  }
  return mutations;
}

/** What system.mutations says about these mutations now. */
export async function erasureProgress(client: ClickHouseClient, mutations: readonly ErasureMutation[]): Promise<ErasureProgress[]> {
  if (mutations.length === 0) return [];
  const rows = await queryRows<{ table: string; mutation_id: string; is_done: number; parts_to_do: string; create_time: string; latest_fail_reason: string }>(
    client,
    `SELECT table, mutation_id, is_done, parts_to_do, create_time, latest_fail_reason FROM system.mutations
     WHERE database = {db:String} AND mutation_id IN {ids:Array(String)}`,
    { db: DATABASE, ids: mutations.map((m) => m.mutationId) },
  );
  return mutations.map((m) => {
    const row = rows.find((r) => `${DATABASE}.${r.table}` === m.table && r.mutation_id === m.mutationId);
    // A finished mutation may already have been cleaned out of system.mutations.
    return { ...m, done: row ? Number(row.is_done) === 1 : true, partsToDo: Number(row?.parts_to_do ?? 0), createdAt: row?.create_time ?? '', failReason: row?.latest_fail_reason ?? '' };
  });
}

/** Waits until every mutation is done, polling; gives up after `timeoutMs` and returns the progress then. */
export async function waitForErasure(client: ClickHouseClient, mutations: readonly ErasureMutation[], timeoutMs: number, pollMs = 500): Promise<ErasureProgress[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const progress = await erasureProgress(client, mutations);
    if (progress.every((p) => p.done) || Date.now() >= deadline) return progress;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

async function mutationIds(client: ClickHouseClient, table: string): Promise<Set<string>> {
  const [db, name] = table.split('.');
  const rows = await queryRows<{ mutation_id: string }>(client, 'SELECT mutation_id FROM system.mutations WHERE database = {db:String} AND table = {table:String}', { db, table: name });
  return new Set(rows.map((r) => r.mutation_id));
}
