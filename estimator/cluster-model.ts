import { areaQuery } from './area-query-model.ts';
import type { Calibration } from './calibration.ts';
import { computeLoad } from './load-model.ts';
import type { Scenario } from './scenario.ts';
import { DAYS_PER_YEAR, storedAt, tableYears } from './storage-model.ts';

/**
 * How many ClickHouse shards and replicas, Keeper nodes and brokers a fleet
 * needs, and the largest fleet one node still carries (docs/estimator.md,
 * "Cluster sizing"). A shard holds 1/shards of every vehicle's rows (sharding
 * by vehicle spreads them evenly, docs/cluster.md), so each of three limits
 * divides by the shard count:
 * - latency: an area query reads its rows on every shard at once;
 * - disk: a node's local disk holds its shard's hot period (cold is on object storage);
 * - inserts: a node absorbs its shard's share of the peak rate.
 */
export interface ClusterSizing {
  readonly shards: number;
  readonly replicas: number;
  readonly clickhouse_nodes: number;
  readonly keeper_nodes: number;
  readonly brokers: number;
  /** The limit that sets the shard count: latency, disk, inserts, or none (one shard is enough). */
  readonly binding_limit: Limit;
  readonly shards_for_latency: number;
  readonly shards_for_disk: number;
  readonly shards_for_inserts: number;
  /** Rows the typical area query reads over target_query_period, at the busiest hour's rate. */
  readonly query_rows: number;
  readonly query_seconds_one_node: number;
  readonly query_seconds_cluster: number;
  /** One copy of the hot period, the largest over the years, and what one node holds of it. */
  readonly hot_bytes_one_copy: number;
  readonly hot_bytes_per_node: number;
  readonly insert_rows_per_second_per_shard: number;
  /** The largest constant fleet that one node (no replica) carries within all three limits, and the limit it meets first. */
  readonly single_node_max_vehicles: number;
  readonly single_node_limit: Limit;
}

export type Limit = 'latency' | 'disk' | 'inserts' | 'none';

/** Part of a node's disk that may hold data: merges write a part's new version beside the old one before dropping it. */
export const DISK_FILL_MAX = 0.7;

/** Fixed cost of one API query besides reading rows (cover, planning, JSON): docs/api.md measured ~46 ms at p50. */
export const QUERY_OVERHEAD_SECONDS = 0.05;

const GB = 1e9;
const MB = 1e6;

export function clusterSizing(s: Scenario, calibration: Calibration): ClusterSizing {
  const vehicles = Math.max(...s.vehicles);
  const need = needs(s, calibration, vehicles, hotBytesOneCopy(s, calibration));
  const shardsFor = shardCounts(s, need);
  const shards = Math.max(1, shardsFor.latency, shardsFor.disk, shardsFor.inserts);
  const binding = shards === 1 ? 'none' : (['latency', 'disk', 'inserts'] as const).find((k) => shardsFor[k] === shards)!;
  // A cluster exists to survive losing a server: every shard gets at least two replicas.
  const replicas = shards === 1 && s.replicas === 1 ? 1 : Math.max(2, s.replicas);
  const load = computeLoad(s, calibration, vehicles);
  const brokerBytesPerSecond = load.events_per_second_peak * s.message_size * s.broker_replication_factor;
  const brokers = Math.max(
    s.broker_replication_factor,
    Math.ceil(brokerBytesPerSecond / (s.broker_node_mb_per_second * MB)),
    Math.ceil(load.broker_disk_bytes / (s.node_disk_gb * GB * DISK_FILL_MAX)),
  );
  const breakEven = singleNodeLimit(s, calibration);
  return {
    shards,
    replicas,
    clickhouse_nodes: shards * replicas,
    // Keeper tolerates (n-1)/2 failures: 3 matches two replicas; three replicas are worth a Keeper that also survives two.
    keeper_nodes: replicas >= 3 ? 5 : replicas === 2 ? 3 : 0,
    brokers,
    binding_limit: binding,
    shards_for_latency: shardsFor.latency,
    shards_for_disk: shardsFor.disk,
    shards_for_inserts: shardsFor.inserts,
    query_rows: need.queryRows,
    query_seconds_one_node: querySeconds(s, need.queryRows, 1),
    query_seconds_cluster: querySeconds(s, need.queryRows, shards),
    hot_bytes_one_copy: need.hotBytes,
    hot_bytes_per_node: need.hotBytes / shards,
    insert_rows_per_second_per_shard: need.insertRowsPerSecond / shards,
    single_node_max_vehicles: breakEven.vehicles,
    single_node_limit: breakEven.limit,
  };
}

interface Needs {
  readonly queryRows: number;
  readonly hotBytes: number;
  readonly insertRowsPerSecond: number;
}

function needs(s: Scenario, calibration: Calibration, vehicles: number, hotBytes: number): Needs {
  const load = computeLoad(s, calibration, vehicles);
  const hourly = areaQuery(s, load.events_per_second_peak);
  const hours = s.target_query_period.ms / 3_600_000;
  return {
    queryRows: hourly.rows_scanned_max * hours,
    hotBytes,
    insertRowsPerSecond: load.ingest_capacity_needed,
  };
}

function shardCounts(s: Scenario, need: Needs): Record<'latency' | 'disk' | 'inserts', number> {
  const budget = s.target_query_seconds - QUERY_OVERHEAD_SECONDS;
  return {
    latency: budget <= 0 ? Number.POSITIVE_INFINITY : Math.max(1, Math.ceil(need.queryRows / (s.node_scan_rows_per_second * budget))),
    disk: Math.max(1, Math.ceil(need.hotBytes / (s.node_disk_gb * GB * DISK_FILL_MAX))),
    inserts: Math.max(1, Math.ceil(need.insertRowsPerSecond / s.node_insert_rows_per_second)),
  };
}

function querySeconds(s: Scenario, rows: number, shards: number): number {
  return QUERY_OVERHEAD_SECONDS + rows / shards / s.node_scan_rows_per_second;
}

/** The hot volume's largest size over the years, one copy (storedAt counts every replica). */
function hotBytesOneCopy(s: Scenario, calibration: Calibration): number {
  let most = 0;
  for (let year = 1; year <= tableYears(s); year++) most = Math.max(most, storedAt(s, calibration, year * DAYS_PER_YEAR).hot_bytes / s.replicas);
  return most;
}

/**
 * Every need grows with the fleet, so the largest fleet one node carries is
 * found by bisection on a constant fleet: the last size whose three shard
 * counts are all 1, and the limit that turns first past it.
 */
function singleNodeLimit(s: Scenario, calibration: Calibration): { vehicles: number; limit: Limit } {
  const countsFor = (vehicles: number) => {
    const constant: Scenario = { ...s, vehicles: [vehicles], replicas: 1 };
    return shardCounts(constant, needs(constant, calibration, vehicles, hotBytesOneCopy(constant, calibration)));
  };
  const fits = (vehicles: number) => Object.values(countsFor(vehicles)).every((n) => n === 1);
  if (!fits(1)) return { vehicles: 0, limit: firstOver(countsFor(1)) };
  let low = 1;
  let high = 2;
  while (fits(high) && high < 1e12) {
    low = high;
    high *= 2;
  }
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid;
  }
  return { vehicles: low, limit: firstOver(countsFor(high)) };
}

function firstOver(counts: Record<'latency' | 'disk' | 'inserts', number>): Limit {
  return (['latency', 'disk', 'inserts'] as const).find((k) => counts[k] > 1) ?? 'none';
}
