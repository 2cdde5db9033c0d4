import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Session } from 'chdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.ts';
import { renderClusterStatement } from './cluster-ddl.ts';
import { readMigrations } from './migrations.ts';
import { schemaDdl } from './schema-ddl.ts';
import { schemaScript } from './schema-script.ts';
import { startClusterEngine, withoutKeeper } from '../test-support/cluster-engine.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLUSTER = 'fleetlake';
const REMOTE_SERVERS = join(ROOT, 'deploy/cluster/clickhouse/config.d/remote-servers.xml');
const clusterConfig = loadConfig({ env: { FLEETLAKE_CLICKHOUSE_CLUSTER: CLUSTER } });
const oneNodeConfig = loadConfig({ env: {} });
const clusterDdl = schemaDdl(CLUSTER);
const clusterStatements = [...clusterDdl.prelude, ...readMigrations().flatMap((m) => clusterDdl.statements(m))];

/**
 * The golden files are the reviewed DDL. After an intended change (a new
 * migration, say) regenerate them with UPDATE_GOLDEN=1 and review the diff.
 */
function expectGolden(name: string, text: string): void {
  const path = join(ROOT, 'schema/golden', name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, text);
  expect(text, `${path} (UPDATE_GOLDEN=1 rewrites it)`).toBe(readFileSync(path, 'utf8'));
}

describe('the cluster rendering of the migrations', () => {
  it('matches the golden cluster DDL', () => {
    expectGolden('cluster.sql', schemaScript(clusterConfig));
  });

  it('leaves the one-node DDL exactly as the migration files say', () => {
    const oneNode = schemaDdl('');
    for (const migration of readMigrations()) expect(oneNode.statements(migration)).toBe(migration.statements);
    expect(schemaScript(oneNodeConfig)).not.toContain('ON CLUSTER');
  });

  it('keeps every table behind its usual name: Distributed for the sharded, the replicated table itself for the rest', () => {
    const created = clusterStatements.map((s) => /^CREATE (?:TABLE|MATERIALIZED VIEW) IF NOT EXISTS (\S+)/.exec(s)?.[1]).filter(Boolean);
    expect(created).toEqual([
      'fleet.schema_migrations',
      'fleet.positions_local', 'fleet.positions',
      'fleet.latest_positions_local', 'fleet.latest_positions', 'fleet.latest_positions_mv',
      'fleet.ingest_rejects_local', 'fleet.ingest_rejects',
      'fleet.ingest_metrics_local', 'fleet.ingest_metrics',
      'fleet.ingest_journal',
      'fleet.ingest_file_progress',
      'fleet.districts',
      'fleet.devices',
      'fleet.device_frames_local', 'fleet.device_frames',
      'fleet.device_commands',
      'fleet.api_keys',
      'fleet.vehicle_groups',
      'fleet.api_audit_local', 'fleet.api_audit',
      'fleet.presence_hourly_local', 'fleet.presence_hourly', 'fleet.presence_hourly_mv',
      'fleet.presence_daily_local', 'fleet.presence_daily', 'fleet.presence_daily_mv',
      'fleet.presence_daily_from_hourly_mv',
    ]);
    for (const statement of clusterStatements) expect(statement).toContain(`ON CLUSTER ${CLUSTER}`);
  });

  it('alters the Distributed table as well when a migration changes columns, the local table alone otherwise', () => {
    expect(renderClusterStatement('ALTER TABLE fleet.positions ADD COLUMN IF NOT EXISTS source LowCardinality(String)', 'c')).toEqual([
      'ALTER TABLE fleet.positions_local ON CLUSTER c ADD COLUMN IF NOT EXISTS source LowCardinality(String)',
      'ALTER TABLE fleet.positions ON CLUSTER c ADD COLUMN IF NOT EXISTS source LowCardinality(String)',
    ]);
    expect(renderClusterStatement('ALTER TABLE fleet.districts ADD INDEX i name TYPE set(0)', 'c')).toEqual(['ALTER TABLE fleet.districts ON CLUSTER c ADD INDEX i name TYPE set(0)']);
    expect(renderClusterStatement('CREATE VIEW IF NOT EXISTS fleet.v AS SELECT 1', 'c')).toEqual(['CREATE VIEW IF NOT EXISTS fleet.v ON CLUSTER c AS SELECT 1']);
  });

  it('refuses what it cannot place instead of guessing', () => {
    expect(() => renderClusterStatement('CREATE TABLE IF NOT EXISTS fleet.unknown (a UInt8) ENGINE = MergeTree ORDER BY a', 'c')).toThrow(
      'fleet.unknown has no placement; add it to schema/cluster-placement.ts',
    );
    expect(() => renderClusterStatement('CREATE TABLE IF NOT EXISTS fleet.districts (a UInt8) ENGINE = Memory', 'c')).toThrow('ENGINE Memory, which has no Replicated counterpart');
    expect(() => renderClusterStatement('INSERT INTO fleet.districts VALUES (1)', 'c')).toThrow('teach schema/cluster-ddl.ts this kind of statement');
    expect(() => renderClusterStatement('INSERT INTO fleet.districts VALUES (1)', 'c')).toThrow(expect.objectContaining({ code: 'MIGRATION_NOT_CLUSTERABLE' }));
  });
});

/**
 * The embedded engine cannot host Replicated tables (it has no Keeper) nor
 * run ON CLUSTER DDL, but it has the server's parser and, given the cluster's
 * remote_servers, creates Distributed tables for real. So every rendered
 * statement is parsed as written, and then run with only those two things
 * taken out: the sort keys, codecs, TTL moves, storage policy, sharding keys
 * and the materialized view over the local table all meet the real engine.
 */
describe('the cluster DDL in the embedded engine', () => {
  let dir: string;
  let session: Session;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fleetlake-cluster-ddl-'));
    process.env.FLEETLAKE_CLUSTER_SECRET = 'test-secret';
    const remoteServers = /<remote_servers>([\s\S]*)<\/remote_servers>/.exec(readFileSync(REMOTE_SERVERS, 'utf8'))![1]!;
    session = startClusterEngine(dir, remoteServers);
  });
  afterAll(() => {
    session.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rows = (query: string) => session.query(query, 'JSONEachRow').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);

  it('parses every statement with its own parser', () => {
    for (const statement of clusterStatements) {
      const escaped = statement.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
      expect(() => session.query(`SELECT formatQuery('${escaped}')`, 'TSVRaw'), statement).not.toThrow();
    }
  });

  it('runs every statement once ON CLUSTER and the Replicated engines are taken out', () => {
    expect(rows(`SELECT toString(count()) AS n FROM system.clusters WHERE cluster = '${CLUSTER}'`)).toEqual([{ n: '4' }]);
    for (const statement of clusterStatements) {
      const local = withoutKeeper(statement, CLUSTER);
      expect(() => session.query(local, 'TSVRaw'), local).not.toThrow();
    }
    const tables = rows("SELECT name, engine, sorting_key, storage_policy, engine_full FROM system.tables WHERE database = 'fleet' ORDER BY name");
    const table = (name: string) => tables.find((t) => t.name === name);
    expect(table('positions_local')).toMatchObject({ sorting_key: 'h3_cell, toStartOfHour(ts), vehicle_id, ts', storage_policy: 'fleet_tiered' });
    expect(table('positions_local')?.engine_full).toContain("TTL toDateTime(ts) + toIntervalDay(30) TO VOLUME 'cold', toDateTime(ts) + toIntervalYear(7)");
    expect(table('positions')).toMatchObject({ engine: 'Distributed' });
    expect(table('positions')?.engine_full).toBe(`Distributed('${CLUSTER}', 'fleet', 'positions_local', cityHash64(vehicle_id))`);
    expect(table('latest_positions')?.engine_full).toBe(`Distributed('${CLUSTER}', 'fleet', 'latest_positions_local', cityHash64(vehicle_id))`);
    expect(rows("SELECT name FROM system.data_skipping_indices WHERE database = 'fleet' AND table = 'positions_local'")).toEqual([{ name: 'vehicle_id_bloom' }]);
  });

  it('adds a column to the local and the Distributed table alike, as a later migration would', () => {
    for (const statement of renderClusterStatement('ALTER TABLE fleet.positions ADD COLUMN IF NOT EXISTS altitude_m Nullable(Int16) CODEC(ZSTD(3))', CLUSTER)) {
      session.query(withoutKeeper(statement, CLUSTER), 'TSVRaw');
    }
    expect(rows("SELECT table FROM system.columns WHERE database = 'fleet' AND name = 'altitude_m' ORDER BY table")).toEqual([{ table: 'positions' }, { table: 'positions_local' }]);
  });

  it('feeds latest_positions from each shard\'s local positions through the materialized view', () => {
    session.query(`INSERT INTO fleet.positions_local (vehicle_id, ts, lat, lon, speed_kmh, heading_deg, vehicle_type) VALUES
      ('v1', '2026-01-01 10:00:00', 45.5, -73.6, 10, 90, 'car'), ('v1', '2026-01-01 10:00:05', 45.6, -73.6, 12, 90, 'car')`);
    expect(rows('SELECT vehicle_id, toString(lat) AS lat FROM fleet.latest_positions_local FINAL')).toEqual([{ vehicle_id: 'v1', lat: '45.6' }]);
    // The presence rollups likewise, on the shard holding the vehicle's positions.
    expect(rows('SELECT vehicle_id, toString(sum(positions)) AS n FROM fleet.presence_hourly_local GROUP BY vehicle_id')).toEqual([{ vehicle_id: 'v1', n: '2' }]);
    expect(rows('SELECT vehicle_id, toString(sum(positions)) AS n FROM fleet.presence_daily_local GROUP BY vehicle_id')).toEqual([{ vehicle_id: 'v1', n: '2' }]);
  });
});
