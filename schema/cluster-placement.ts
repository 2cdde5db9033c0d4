import { TABLES } from '../core/names.ts';

/**
 * Where each table of the lake lives on a ClickHouse cluster.
 *
 * - `sharded`: a Replicated table `<name>_local` on every shard, and under the
 *   public name a Distributed table that spreads inserts by `shardingKey` and
 *   fans reads out to one replica of every shard. For the big, growing tables.
 *   The key must be a function of the row alone (never rand()): a retried
 *   insert must split into the same per-shard blocks, or its dedup token
 *   would not match what the shards already hold (docs/cluster.md).
 * - `everywhere`: one Replicated table under the public name with a single
 *   replica set spanning every node of the cluster, so each node holds all of
 *   it. For small tables that queries join locally on every shard (districts)
 *   and for ingest's bookkeeping, which needs one total order (the journal).
 *
 * A migration that creates a table missing here cannot be rendered for a
 * cluster; cluster-ddl.test.ts fails until the table is placed.
 */
export type Placement = { readonly kind: 'sharded'; readonly shardingKey: string } | { readonly kind: 'everywhere' };

/** Positions and everything derived from them shard by vehicle: docs/cluster.md has the measurements behind the choice. */
export const BY_VEHICLE = 'cityHash64(vehicle_id)';

export const CLUSTER_PLACEMENT: Readonly<Record<string, Placement>> = {
  [TABLES.positions]: { kind: 'sharded', shardingKey: BY_VEHICLE },
  // Fed by a materialized view on each shard's positions, so a vehicle's latest row sits on the shard holding its track.
  [TABLES.latestPositions]: { kind: 'sharded', shardingKey: BY_VEHICLE },
  // The presence rollups, likewise fed on each shard: a vehicle's rows sit beside its track, so an area
  // query's per-vehicle folding of rollup and raw rows is complete on each shard.
  [TABLES.presenceHourly]: { kind: 'sharded', shardingKey: BY_VEHICLE },
  [TABLES.presenceDaily]: { kind: 'sharded', shardingKey: BY_VEHICLE },
  [TABLES.ingestRejects]: { kind: 'sharded', shardingKey: 'cityHash64(topic, partition)' },
  [TABLES.ingestMetrics]: { kind: 'sharded', shardingKey: 'cityHash64(instance)' },
  [TABLES.ingestJournal]: { kind: 'everywhere' },
  [TABLES.ingestFileProgress]: { kind: 'everywhere' },
  [TABLES.districts]: { kind: 'everywhere' },
  [TABLES.migrations]: { kind: 'everywhere' },
  // Small, read on every request, and joined into every restricted query on each shard.
  [TABLES.apiKeys]: { kind: 'everywhere' },
  [TABLES.vehicleGroups]: { kind: 'everywhere' },
  // One row per API request, spread by the key that made it.
  [TABLES.apiAudit]: { kind: 'sharded', shardingKey: 'cityHash64(key_name)' },
  // The gateway's registry: small, and joined on every shard (device list, erasure of a vehicle's frames).
  [TABLES.devices]: { kind: 'everywhere' },
  // Raw frames, as many as positions: by device, so replaying or erasing one device reads one shard.
  [TABLES.deviceFrames]: { kind: 'sharded', shardingKey: 'cityHash64(device_id)' },
  // A few rows per command, read every second by every gateway (the queue): whole on every node.
  [TABLES.deviceCommands]: { kind: 'everywhere' },
};

/** The Keeper path of a Replicated table; `{shard}` and `{replica}` are macros of each server's config. */
export function keeperPath(table: string, placement: Placement): string {
  const [database, name] = table.split('.') as [string, string];
  return placement.kind === 'sharded' ? `/clickhouse/tables/{shard}/${database}/${name}` : `/clickhouse/tables/all/${database}/${name}`;
}

/** The per-shard table behind a sharded table's Distributed one. */
export function localTable(table: string): string {
  return `${table}_local`;
}
