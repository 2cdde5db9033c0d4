import { rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { loadDistricts } from '../../core/districts.ts';
import { FleetlakeLake, type FleetlakeApi } from './fleetlake-lake.ts';
import type { DataSpan, Peer, QueryCase } from './peer-queries.ts';
import { ensurePostgis, startPostgresCluster, type PostgresCluster } from './postgres-cluster.ts';
import { buildIndexes, copyPositions, explainRunner, loadDistrictTable, postgisPeer, relationSizes, vacuumAnalyze, type RelationSize, type Timed } from './postgis-lake.ts';
import { POSTGIS_SETTINGS } from './postgis-settings.ts';

/** fleetlake's district look-back, set explicitly so the PostGIS query uses the same window. */
export const DISTRICT_LOOKBACK_MS = 300_000;

export interface LoadReport {
  readonly fleetlake: { rows: number; ingestSeconds: number; optimizeSeconds: number; bytes: number; parts: number };
  readonly postgis: { rows: number; copySeconds: number; indexes: Timed[]; vacuumAnalyzeSeconds: number; sizes: RelationSize[] };
}

export interface Peers {
  readonly fleetlake: FleetlakeApi;
  readonly postgis: Peer;
  readonly cluster: PostgresCluster;
  readonly load: LoadReport;
  readonly data: DataSpan;
  readonly versions: { postgres: string; postgis: string; fleetlake: string };
  /** PostgreSQL's EXPLAIN (ANALYZE, BUFFERS) of the question: how PostGIS answers it. */
  postgisPlan(question: QueryCase): Promise<string>;
  /** Stops the API and the cluster and removes both systems' data. */
  close(): Promise<void>;
}

export interface PeerOptions {
  /** The NDJSON both systems load. */
  readonly ndjson: string;
  /** Where fleetlake's lake goes (removed by close(); the cluster is in the OS temp dir). */
  readonly workDir: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly seed: number;
  /** Progress lines (stderr in the benchmark). */
  readonly log?: (line: string) => void;
  /** Override POSTGIS_SETTINGS (the harness test runs with small memory settings). */
  readonly postgresSettings?: Readonly<Record<string, string>>;
}

/**
 * Loads the same NDJSON into fleetlake (`fleetlake ingest --source file:`, then
 * a merge) and into a fresh PostGIS cluster (COPY, indexes, VACUUM ANALYZE),
 * one after the other so neither load competes with the other for the two
 * cores, then starts `fleetlake serve`. Every step is timed.
 */
export async function setUpPeers(options: PeerOptions): Promise<Peers> {
  const log = options.log ?? (() => {});
  ensurePostgis();
  const lakeDir = join(options.workDir, 'fleetlake-lake');
  const lake = new FleetlakeLake(lakeDir, { FLEETLAKE_API_DISTRICT_LOOKBACK: `${DISTRICT_LOOKBACK_MS / 1000}s`, FLEETLAKE_API_QUERY_TIMEOUT: '600s' });
  await lake.command(['migrate']);
  log('fleetlake: ingest --source file: …');
  const ingest = await lake.ingestFile(options.ndjson);
  log(`fleetlake: ${ingest.rows.toLocaleString('en')} positions in ${ingest.seconds.toFixed(1)} s; merging parts …`);
  const optimizeSeconds = await lake.optimize();
  const stored = await lake.positionsBytes();
  const fleetlakeVersion = await lake.sql("SELECT concat('ClickHouse ', version())");

  let cluster: PostgresCluster | undefined;
  let client: pg.Client | undefined;
  let api: FleetlakeApi | undefined;
  try {
    cluster = await startPostgresCluster({ settings: options.postgresSettings ?? POSTGIS_SETTINGS });
    client = new pg.Client(cluster.connection);
    await client.connect();
    log('PostGIS: COPY …');
    const copy = await copyPositions(client, options.ndjson);
    log(`PostGIS: ${copy.rows.toLocaleString('en')} positions in ${copy.seconds.toFixed(1)} s; building indexes …`);
    const indexes = await buildIndexes(client);
    log(`PostGIS: indexes ${indexes.map((i) => `${i.name} ${i.seconds.toFixed(1)} s`).join(', ')}; VACUUM ANALYZE …`);
    const vacuumAnalyzeSeconds = await vacuumAnalyze(client);
    await loadDistrictTable(client, loadDistricts());
    const sizes = await relationSizes(client);
    const perPosition = (bytes: number) => (bytes / Math.max(1, copy.rows)).toFixed(2);
    log(`PostGIS: VACUUM ANALYZE ${vacuumAnalyzeSeconds.toFixed(1)} s; bytes per position: fleetlake ${perPosition(stored.bytes)}, PostGIS ${sizes.map((r) => `${r.name} ${perPosition(r.bytes)}`).join(', ')}`);
    const sample = await positionSample(client, copy.rows, options.seed);
    api = await lake.serve();
    const pgClient = client;
    const pgCluster = cluster;
    const servedApi = api;
    return {
      fleetlake: api,
      postgis: postgisPeer(client, DISTRICT_LOOKBACK_MS),
      cluster,
      versions: { ...(await cluster.versions()), fleetlake: fleetlakeVersion },
      load: {
        fleetlake: { rows: ingest.rows, ingestSeconds: ingest.seconds, optimizeSeconds, bytes: stored.bytes, parts: stored.parts },
        postgis: { rows: copy.rows, copySeconds: copy.seconds, indexes, vacuumAnalyzeSeconds, sizes },
      },
      data: { fromMs: options.fromMs, toMs: options.toMs, districtIds: loadDistricts().map((d) => d.id), sample },
      async postgisPlan(question) {
        const plans: string[] = [];
        await question.ask(postgisPeer(explainRunner(pgClient, plans), DISTRICT_LOOKBACK_MS));
        return plans.join('\n');
      },
      async close() {
        await servedApi.close();
        await pgClient.end();
        await pgCluster.stop();
        rmSync(lakeDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await api?.close();
    await client?.end();
    await cluster?.stop();
    rmSync(lakeDir, { recursive: true, force: true });
    throw err;
  }
}

/** About 5,000 positions spread over the whole table (a repeatable block sample): where streets are, and which vehicles exist. */
async function positionSample(client: pg.Client, rows: number, seed: number): Promise<DataSpan['sample']> {
  const percent = Math.min(100, (10_000 / Math.max(1, rows)) * 100);
  const sampled = await client.query<{ vehicle_id: string; lon: number; lat: number }>(
    'SELECT vehicle_id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM positions TABLESAMPLE SYSTEM ($1) REPEATABLE ($2) LIMIT 5000',
    [percent, seed],
  );
  return sampled.rows.map((r) => ({ vehicleId: r.vehicle_id, lon: r.lon, lat: r.lat }));
}
