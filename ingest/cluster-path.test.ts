import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Session } from 'chdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClickHouse, queryRows, type ClickHouse } from '../core/clickhouse.ts';
import { loadConfig, type FleetlakeConfig } from '../core/config.ts';
import { TABLES } from '../core/names.ts';
import { backfillMessages } from '../generator/index.ts';
import { migrate } from '../schema/migrate.ts';
import { keeperlessClient, LOCAL_TCP_PORT, startClusterEngine } from '../test-support/cluster-engine.ts';
import { runIngest } from './run-ingest.ts';
import { createFileSource, inspectFile } from './sources/file.ts';
import { duplicateRows, expectedChecksums, storedChecksums } from './testing/checksums.ts';

const CLUSTER = 'fleetlake';
const VEHICLES = 30;

/**
 * The cluster's write and read path for real, on the embedded engine: the
 * cluster schema (minus Keeper) over a cluster of one shard that is the engine
 * itself, so inserts and queries really go through the Distributed tables
 * (`_local` tables behind them, the materialized view on the local table), and
 * ingest runs with clickhouse.cluster set: foreground Distributed inserts with
 * their tokens, journal claims with quorum settings.
 */
describe('ingest and queries through the cluster schema, on one local shard', () => {
  let dir: string;
  let session: Session;
  let ch: ClickHouse;
  let config: FleetlakeConfig;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetlake-cluster-path-'));
    const lake = join(dir, 'lake');
    session = startClusterEngine(
      lake,
      `<${CLUSTER}><shard><internal_replication>true</internal_replication><replica><host>localhost</host><port>${LOCAL_TCP_PORT}</port></replica></shard></${CLUSTER}>`,
    );
    ch = openClickHouse(loadConfig({ env: {}, overrides: { clickhouse: { data_dir: lake } } }));
    config = loadConfig({ env: {}, overrides: { clickhouse: { data_dir: lake, cluster: CLUSTER }, ingest: { metrics_port: 0, batch_rows: 400 } } });
    await migrate(keeperlessClient(ch.client, CLUSTER), config);
  });
  afterAll(async () => {
    await ch?.close();
    session?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const importFile = async (path: string) => runIngest({ source: createFileSource(await inspectFile(path), ch.client), client: ch.client, config });

  it('is migrated by fleetlake migrate in cluster mode, which then finds it up to date, retention included', async () => {
    expect(await migrate(keeperlessClient(ch.client, CLUSTER), config)).toMatchObject({ applied: [], retentionChanged: false });
    const [ttl] = await queryRows<{ engine_full: string }>(ch.client, "SELECT engine_full FROM system.tables WHERE database = 'fleet' AND name = 'positions_local'");
    expect(ttl?.engine_full).toContain("TTL toDateTime(ts) + toIntervalDay(30) TO VOLUME 'cold'");
  });

  it('is the cluster schema: the usual names are Distributed tables over a shard that is this engine', async () => {
    expect(await queryRows(ch.client, `SELECT toString(is_local) AS local FROM system.clusters WHERE cluster = {c:String}`, { c: CLUSTER })).toEqual([{ local: '1' }]);
    const engines = await queryRows<{ name: string; engine: string }>(ch.client, "SELECT name, engine FROM system.tables WHERE database = 'fleet' AND name LIKE '%positions%' ORDER BY name");
    expect(engines).toEqual([
      { name: 'latest_positions', engine: 'Distributed' },
      { name: 'latest_positions_local', engine: 'ReplacingMergeTree' },
      { name: 'latest_positions_mv', engine: 'MaterializedView' },
      { name: 'positions', engine: 'Distributed' },
      { name: 'positions_local', engine: 'MergeTree' },
    ]);
  });

  it('stores a file exactly once through the Distributed table, and still once after importing it again from scratch', async () => {
    const values = [...backfillMessages({ vehicles: VEHICLES, seed: 5, fromMs: Date.now() - 3_600_000, toMs: Date.now() - 3_300_000, intervalMs: 5000 })].map((m) => m.value);
    const path = join(dir, 'positions.ndjson');
    writeFileSync(path, values.join('\n') + '\n');

    expect((await importFile(path)).rows).toBe(values.length);
    expect(await storedChecksums(ch.client)).toEqual(expectedChecksums(values));

    // Progress lost: the journal re-cuts the same batches, the tokens reach the shard, and it drops every repeat.
    await ch.client.command({ query: `TRUNCATE TABLE ${TABLES.ingestFileProgress}` });
    const again = await importFile(path);
    expect(again.batches).toBeGreaterThan(1);
    expect(await storedChecksums(ch.client)).toEqual(expectedChecksums(values));
    expect(await duplicateRows(ch.client)).toBe(0);
    expect(await queryRows(ch.client, `SELECT toString(count()) AS n FROM ${TABLES.positions}_local`)).toEqual([{ n: String(values.length) }]);
    expect(await queryRows(ch.client, `SELECT toString(count()) AS n FROM ${TABLES.latestPositions} FINAL`)).toEqual([{ n: String(VEHICLES) }]);
  });

  it('answers the named track query through the Distributed table as the local table would', async () => {
    const sql = readFileSync(new URL('../queries/sql/vehicle-track.sql', import.meta.url), 'utf8');
    const [vehicle] = await queryRows<{ v: string }>(ch.client, `SELECT any(vehicle_id) AS v FROM ${TABLES.positions}`);
    const params = { vehicle_id: vehicle!.v, from: '2000-01-01 00:00:00', to: '2100-01-01 00:00:00', limit: 100_000, restrict_group: '', restrict_area: '[]' };
    const track = await queryRows<{ ts: string }>(ch.client, sql, params);
    const direct = await queryRows<{ n: string }>(ch.client, `SELECT toString(count()) AS n FROM ${TABLES.positions}_local WHERE vehicle_id = {v:String}`, { v: vehicle!.v });
    expect(track.length).toBeGreaterThan(10);
    expect(String(track.length)).toBe(direct[0]!.n);
  });
});
