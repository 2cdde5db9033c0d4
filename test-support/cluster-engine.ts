import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { Session } from 'chdb';
import { renderStorageConfig } from '../core/storage-config.ts';

/**
 * The embedded engine as far as it can play a cluster node. It has no Keeper,
 * so it cannot run ON CLUSTER DDL or host Replicated tables; everything else
 * of the cluster schema it runs for real, including Distributed tables over
 * the `remote_servers` it is started with.
 */

/**
 * A rendered cluster statement as the engine can run it: ON CLUSTER taken
 * out, Replicated engines made plain, and their dedup window (kept in Keeper)
 * back under the plain engine's name, so a plain table deduplicates as the
 * Replicated one would.
 */
export function withoutKeeper(statement: string, cluster: string): string {
  return statement
    .replace(` ON CLUSTER ${cluster}`, '')
    .replace(/Replicated(\w*MergeTree)\('[^']*', '\{replica\}'(?:, )?/, '$1(')
    .replace(/\breplicated_deduplication_window\b/g, 'non_replicated_deduplication_window');
}

/** A client that runs every command through withoutKeeper: `fleetlake migrate` with clickhouse.cluster set, on this engine. */
export function keeperlessClient(client: ClickHouseClient, cluster: string): ClickHouseClient {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop !== 'command') return Reflect.get(target, prop, receiver) as unknown;
      return (params: Parameters<ClickHouseClient['command']>[0]) => target.command({ ...params, query: withoutKeeper(params.query, cluster) });
    },
  });
}

/** The port the engine believes it serves natively: a remote_servers replica on localhost at this port is itself. */
export const LOCAL_TCP_PORT = 59_000;

/**
 * Starts the engine on `dataDir` with the lake's storage policy and these
 * `remote_servers` (the inside of the element). The first Session on a path
 * fixes the engine's configuration, so a fleetlake client opened on the same
 * directory afterwards sees the clusters too. Close the Session last.
 */
export function startClusterEngine(dataDir: string, remoteServers: string): Session {
  const diskRoot = join(dataDir, 'disks') + '/';
  mkdirSync(diskRoot, { recursive: true });
  const configFile = join(dataDir, 'cluster-engine.xml');
  const extra = `  <tcp_port>${LOCAL_TCP_PORT}</tcp_port>\n  <remote_servers>${remoteServers}</remote_servers>\n</clickhouse>`;
  writeFileSync(configFile, renderStorageConfig(diskRoot).replace('</clickhouse>', extra));
  return new Session(dataDir, { connectionArgs: [`--config-file=${configFile}`, '--geotoh3_argument_order=lat_lon'] });
}
