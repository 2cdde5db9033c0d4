import type { ClickHouseSettings } from '@clickhouse/client';

/**
 * What ingest adds to its writes so that exactly-once holds on a ClickHouse
 * cluster as it does on one node (docs/cluster.md, "Exactly once on a
 * cluster"). On one node: nothing, the SQL is exactly as before.
 */
export interface WriteConsistency {
  /** Appended to the SETTINGS of the positions and rejects inserts. */
  readonly batchInsertSettings: string;
  /** Settings of the journal's claim insert. */
  readonly claimInsert: ClickHouseSettings;
  /** Settings of the read that finds the claim owning a first offset. */
  readonly claimRead: ClickHouseSettings;
}

export const ONE_NODE: WriteConsistency = { batchInsertSettings: '', claimInsert: {}, claimRead: {} };

/**
 * On a cluster:
 * - Batches go through the Distributed table in the foreground: the insert
 *   returns only once every shard's Replicated table has its block, so the
 *   offsets ingest commits afterwards are durable on the shards, not in a
 *   Distributed queue on one node's disk. The token travels with the blocks;
 *   each shard's Replicated table remembers it in Keeper, so a retry through
 *   any replica, after any partial failure, adds only the blocks still missing.
 * - Journal claims are quorum writes (a majority of its replicas, linearized
 *   with insert_quorum_parallel = 0) read back with sequential consistency:
 *   whichever node a process talks to, it sees every older claim, so two
 *   processes racing for one offset range agree on the winner as on one node.
 */
export const ON_CLUSTER: WriteConsistency = {
  batchInsertSettings: ', distributed_foreground_insert = 1',
  claimInsert: { insert_quorum: 'auto', insert_quorum_parallel: 0 },
  claimRead: { select_sequential_consistency: '1' },
};

export function writeConsistency(cluster: string): WriteConsistency {
  return cluster === '' ? ONE_NODE : ON_CLUSTER;
}
