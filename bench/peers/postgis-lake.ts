import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { District } from '../../core/districts.ts';
import { parsePosition } from '../../core/position.ts';
import type { Peer, VehicleCount } from './peer-queries.ts';

/**
 * The positions table a PostGIS user would build for the same data: one row
 * per position, the point as geometry(Point, 4326) in (lon, lat) — the same
 * planar coordinates fleetlake's pointInPolygon sees — and the three indexes
 * area, period and track queries need.
 */
const CREATE_TABLE = `CREATE TABLE positions (
  ts           timestamptz NOT NULL,
  geom         geometry(Point, 4326) NOT NULL,
  speed_kmh    real NOT NULL,
  heading_deg  smallint NOT NULL,
  vehicle_id   text NOT NULL,
  vehicle_type text NOT NULL
)`;

/** Each index, as built after the load (PostgreSQL's advice for bulk loads: indexes after COPY). */
export const POSTGIS_INDEXES = [
  { name: 'positions_geom_gist', sql: 'CREATE INDEX positions_geom_gist ON positions USING gist (geom)', serves: 'area queries (bounding-box filter before ST_Contains)' },
  { name: 'positions_ts_brin', sql: 'CREATE INDEX positions_ts_brin ON positions USING brin (ts)', serves: 'periods (rows arrive in time order, so block ranges map to time ranges)' },
  { name: 'positions_vehicle_ts', sql: 'CREATE INDEX positions_vehicle_ts ON positions USING btree (vehicle_id, ts)', serves: 'vehicle tracks' },
] as const;

export interface Timed {
  readonly name: string;
  readonly seconds: number;
}

/**
 * Loads an NDJSON file of position messages with COPY: each line is parsed
 * here and handed to COPY as a text-format row whose point is hex EWKB (the
 * geometry input PostGIS parses fastest). The table is created in the COPY's
 * own transaction, so with wal_level = minimal PostgreSQL writes no WAL for it.
 */
export async function copyPositions(client: pg.Client, file: string): Promise<{ rows: number; seconds: number }> {
  const started = performance.now();
  await client.query('BEGIN');
  await client.query('DROP TABLE IF EXISTS positions');
  await client.query(CREATE_TABLE);
  const toRows = new NdjsonToCopyRows();
  await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), toRows, client.query(copyFrom('COPY positions (ts, geom, speed_kmh, heading_deg, vehicle_id, vehicle_type) FROM STDIN')));
  await client.query('COMMIT');
  return { rows: toRows.rows, seconds: (performance.now() - started) / 1000 };
}

export async function buildIndexes(client: pg.Client): Promise<Timed[]> {
  const timed: Timed[] = [];
  for (const index of POSTGIS_INDEXES) {
    const started = performance.now();
    await client.query(index.sql);
    timed.push({ name: index.name, seconds: (performance.now() - started) / 1000 });
  }
  return timed;
}

/** VACUUM sets the visibility map (index-only scans) and ANALYZE gives the planner its statistics. */
export async function vacuumAnalyze(client: pg.Client): Promise<number> {
  const started = performance.now();
  await client.query('VACUUM (ANALYZE) positions');
  return (performance.now() - started) / 1000;
}

export async function loadDistrictTable(client: pg.Client, districts: readonly District[]): Promise<void> {
  await client.query('CREATE TABLE districts (id text PRIMARY KEY, geom geometry(MultiPolygon, 4326) NOT NULL)');
  for (const d of districts) {
    await client.query('INSERT INTO districts VALUES ($1, ST_SetSRID(ST_GeomFromGeoJSON($2), 4326))', [d.id, JSON.stringify({ type: 'MultiPolygon', coordinates: d.polygons })]);
  }
  await client.query('ANALYZE districts');
}

export interface RelationSize {
  readonly name: string;
  readonly bytes: number;
}

/** The table (heap, TOAST, free-space and visibility maps) and each index, as they lie on disk. */
export async function relationSizes(client: pg.Client): Promise<RelationSize[]> {
  const { rows } = await client.query<{ name: string; bytes: string }>(
    `SELECT 'positions' AS name, pg_table_size('positions') AS bytes
     UNION ALL
     SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) FROM pg_index WHERE indrelid = 'positions'::regclass`,
  );
  return rows.map((r) => ({ name: r.name, bytes: Number(r.bytes) }));
}

/** What postgisPeer needs of a connection: parameterised queries. */
export interface SqlRunner {
  query<R extends object>(text: string, values: unknown[]): Promise<{ rows: R[] }>;
}

/** The PostGIS side of each compared query, in plain SQL a PostGIS user would write. */
export function postgisPeer(client: SqlRunner, lookbackMs: number): Peer {
  return {
    name: 'PostGIS',
    async areaVehicles(area, fromIso, toIso) {
      // ST_Contains: a point on the boundary is outside, as on pointInPolygon's outer rings.
      const shape = 'geometry' in area ? 'ST_SetSRID(ST_GeomFromGeoJSON($1), 4326)' : '(SELECT geom FROM districts WHERE id = $1)';
      const { rows } = await client.query<VehicleCount>(
        `SELECT vehicle_id, count(*)::int AS positions FROM positions
         WHERE ST_Contains(${shape}, geom) AND ts >= $2 AND ts < $3
         GROUP BY vehicle_id ORDER BY vehicle_id`,
        ['geometry' in area ? JSON.stringify(area.geometry) : area.districtId, fromIso, toIso],
      );
      return rows;
    },
    async trackTimes(vehicleId, fromIso, toIso) {
      const { rows } = await client.query<{ ms: string }>(
        `SELECT (extract(epoch FROM ts) * 1000)::bigint AS ms, ST_X(geom) AS lon, ST_Y(geom) AS lat, speed_kmh, heading_deg
         FROM positions WHERE vehicle_id = $1 AND ts >= $2 AND ts < $3 ORDER BY ts`,
        [vehicleId, fromIso, toIso],
      );
      return rows.map((r) => Number(r.ms));
    },
    async districtCount(districtId, atIso) {
      // fleetlake's definition: vehicles whose last position in (at - lookback, at] lies inside.
      const { rows } = await client.query<{ vehicles: number }>(
        `SELECT count(*)::int AS vehicles FROM (
           SELECT DISTINCT ON (vehicle_id) geom FROM positions
           WHERE ts > $2::timestamptz - $3 * interval '1 millisecond' AND ts <= $2::timestamptz
           ORDER BY vehicle_id, ts DESC
         ) AS last, districts AS d
         WHERE d.id = $1 AND ST_Contains(d.geom, last.geom)`,
        [districtId, atIso, lookbackMs],
      );
      return rows[0]?.vehicles ?? 0;
    },
    async districtIds() {
      const { rows } = await client.query<{ id: string; geometry: string }>('SELECT id, ST_AsGeoJSON(geom) AS geometry FROM districts ORDER BY id', []);
      return rows.map((r) => r.id);
    },
  };
}

/**
 * A runner that asks PostgreSQL how it answers instead of the answer:
 * `EXPLAIN (ANALYZE, BUFFERS)` of each statement goes to `plans`, and the
 * query returns no rows. postgisPeer(explainRunner(…)) records the plans the
 * benchmark prints for docs/performance.md.
 */
export function explainRunner(client: pg.Client, plans: string[]): SqlRunner {
  return {
    async query<R extends object>(text: string, values: unknown[]) {
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values);
      plans.push(rows.map((r) => r['QUERY PLAN']).join('\n'));
      return { rows: [] as R[] };
    },
  };
}

const EWKB_POINT_4326 = Buffer.from('0101000020e6100000', 'hex');

/**
 * NDJSON position messages in, COPY text-format rows out. Each line passes
 * fleetlake's own validator (core/position.ts), so both systems store the same
 * rows, and ids and types hold none of the characters COPY's text format escapes.
 */
class NdjsonToCopyRows extends Transform {
  rows = 0;
  private rest = '';
  private readonly point = Buffer.alloc(25);

  constructor() {
    super({ readableHighWaterMark: 1 << 20 });
    EWKB_POINT_4326.copy(this.point, 0);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const lines = (this.rest + chunk.toString('utf8')).split('\n');
    this.rest = lines.pop() ?? '';
    done(null, this.rowsOf(lines));
  }

  override _flush(done: TransformCallback): void {
    done(null, this.rowsOf([this.rest]));
  }

  private rowsOf(lines: string[]): string {
    let out = '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      const check = parsePosition(line);
      // A refused line is left out, as ingest leaves it out; the run then compares both systems' row counts.
      if (!check.ok) continue;
      const p = check.position;
      this.point.writeDoubleLE(p.lon, 9);
      this.point.writeDoubleLE(p.lat, 17);
      out += `${new Date(p.ts_ms).toISOString()}\t${this.point.toString('hex')}\t${p.speed_kmh}\t${p.heading_deg}\t${p.vehicle_id}\t${p.vehicle_type}\n`;
      this.rows++;
    }
    return out;
  }
}
