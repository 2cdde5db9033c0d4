/**
 * npm run bench:storage [-- --rows 10000000 --vehicles 2000 --seed 1]
 *
 * Bytes per position on disk, per column, for noisy generator data, in
 * fleet.positions exactly as migrated — plus the variants that justify its
 * design: the H3 resolution of the key (7, 8, 9) and the key without
 * vehicle_id. For each variant it also asks the primary index how many rows a
 * district-sized and a street-sized area query over one hour would read.
 * Last, the same positions with the device fields a tracker reports
 * (bench/gateway-like.ts), written the way ingest writes gateway messages,
 * for the bytes per position of gateway data.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import h3 from 'h3-js';
import { openClickHouse, queryRows, type ClickHouse } from '../core/clickhouse.ts';
import { loadConfig } from '../core/config.ts';
import { loadDistricts } from '../core/districts.ts';
import { H3_RESOLUTION } from '../core/names.ts';
import { parsePosition } from '../core/position.ts';
import { backfillMessages } from '../generator/index.ts';
import { createTsvBody, POSITION_COLUMNS, POSITION_INSERT_FORMAT } from '../ingest/encode-batch.ts';
import { migrate } from '../schema/migrate.ts';
import { createGatewayLikeEnricher } from './gateway-like.ts';
import { describeMachine } from './machine.ts';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000000' },
    vehicles: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '1' },
    'insert-rows': { type: 'string', default: '500000' },
  },
});
const targetRows = Number(args.rows);
const vehicles = Number(args.vehicles);
const insertRows = Number(args['insert-rows']);
const INTERVAL_MS = 5000;
const FROM_MS = Date.parse('2026-11-02T06:00:00Z');
const TO_MS = FROM_MS + Math.ceil(targetRows / vehicles) * INTERVAL_MS;

interface Variant {
  readonly table: string;
  readonly label: string;
  readonly resolution: number;
  readonly orderBy: string;
}

const SHIPPED_ORDER = '(h3_cell, toStartOfHour(ts), vehicle_id, ts)';
const VARIANTS: Variant[] = [
  { table: 'fleet.positions', label: `shipped: res ${H3_RESOLUTION}, ${SHIPPED_ORDER}`, resolution: H3_RESOLUTION, orderBy: SHIPPED_ORDER },
  { table: 'bench.res7', label: `res 7, same key`, resolution: 7, orderBy: SHIPPED_ORDER },
  { table: 'bench.res9', label: `res 9, same key`, resolution: 9, orderBy: SHIPPED_ORDER },
  { table: 'bench.no_vehicle', label: `res ${H3_RESOLUTION}, (h3_cell, ts)`, resolution: H3_RESOLUTION, orderBy: '(h3_cell, ts)' },
];

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fleetlake-bench-storage-'));
  const config = loadConfig({ env: { FLEETLAKE_DATA_DIR: dataDir } });
  const ch = openClickHouse(config);
  try {
    await migrate(ch.client, config);
    await createVariants(ch);
    const started = performance.now();
    const inserted = await loadGeneratorData(ch);
    const loadSeconds = (performance.now() - started) / 1000;
    for (const v of VARIANTS.slice(1)) {
      await ch.client.command({ query: `INSERT INTO ${v.table} (vehicle_id, ts, lat, lon, speed_kmh, heading_deg, vehicle_type) SELECT vehicle_id, ts, lat, lon, speed_kmh, heading_deg, vehicle_type FROM fleet.positions` });
    }
    for (const v of VARIANTS) await ch.client.command({ query: `OPTIMIZE TABLE ${v.table} FINAL` });

    console.log(`# bench:storage — ${inserted.toLocaleString('en')} positions, ${vehicles} vehicles, ${(TO_MS - FROM_MS) / 3_600_000} h, GPS noise per generator defaults`);
    console.log(`machine: ${describeMachine()}; load ${loadSeconds.toFixed(1)} s (${Math.round(inserted / loadSeconds).toLocaleString('en')} rows/s generate+insert)\n`);
    await reportColumns(ch, 'fleet.positions', inserted);
    await reportVariants(ch, inserted);
    const gatewayRows = await loadGatewayLikeData(ch);
    await ch.client.command({ query: `OPTIMIZE TABLE ${GATEWAY_TABLE} FINAL` });
    console.log('## gateway data: the same positions with the device fields of a tracker (bench/gateway-like.ts)\n');
    await reportColumns(ch, GATEWAY_TABLE, gatewayRows);
  } finally {
    await ch.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The variants are the shipped DDL with another name, resolution or key, so they never drift from it. */
async function createVariants(ch: ClickHouse): Promise<void> {
  const ddl = readFileSync(new URL('../schema/migrations/0001_positions.sql', import.meta.url), 'utf8').replace(/^--.*$/gm, '');
  await ch.client.command({ query: 'CREATE DATABASE IF NOT EXISTS bench' });
  for (const v of VARIANTS.slice(1)) {
    const sql = ddl
      .replace('fleet.positions', v.table)
      .replace(/, 8\)/, `, ${v.resolution})`)
      .replace(SHIPPED_ORDER, v.orderBy)
      .replace(/;\s*$/, '');
    await ch.client.command({ query: sql });
  }
}

const GATEWAY_TABLE = 'bench.gateway';

/** The shipped DDL of fleet.positions with every migration that alters it, under another name. */
async function createGatewayTable(ch: ClickHouse): Promise<void> {
  for (const file of ['0001_positions.sql', '0020_position_device_fields.sql']) {
    const sql = readFileSync(new URL(`../schema/migrations/${file}`, import.meta.url), 'utf8').replace(/^--.*$/gm, '').replace('fleet.positions', GATEWAY_TABLE).replace(/;\s*$/, '');
    await ch.client.command({ query: sql });
  }
}

async function loadGatewayLikeData(ch: ClickHouse): Promise<number> {
  await createGatewayTable(ch);
  const enrich = createGatewayLikeEnricher(Number(args.seed));
  let body = createTsvBody();
  let total = 0;
  const flush = async () => {
    if (body.rows === 0) return;
    const result = await ch.client.exec({ query: `INSERT INTO ${GATEWAY_TABLE} (${POSITION_COLUMNS.join(', ')}) FORMAT ${POSITION_INSERT_FORMAT}`, values: Readable.from([body.bytes()]) });
    result.stream.destroy();
    total += body.rows;
    body = createTsvBody();
  };
  for (const message of backfillMessages({ vehicles, seed: Number(args.seed), fromMs: FROM_MS, toMs: TO_MS, intervalMs: INTERVAL_MS })) {
    const check = parsePosition(message.value);
    if (!check.ok) continue;
    body.add(enrich(check.position));
    if (body.rows >= insertRows) await flush();
    if (total + body.rows >= targetRows) break;
  }
  await flush();
  return total;
}

async function loadGeneratorData(ch: ClickHouse): Promise<number> {
  let lines: string[] = [];
  let total = 0;
  const flush = async () => {
    if (lines.length === 0) return;
    // The generator's wire JSON goes in as it is, the way an NDJSON import would send it.
    await ch.client.exec({
      query: 'INSERT INTO fleet.positions FORMAT JSONEachRow',
      values: Readable.from([lines.join('\n')]),
      clickhouse_settings: { date_time_input_format: 'best_effort' },
    });
    total += lines.length;
    lines = [];
  };
  for (const message of backfillMessages({ vehicles, seed: Number(args.seed), fromMs: FROM_MS, toMs: TO_MS, intervalMs: INTERVAL_MS })) {
    lines.push(message.value);
    if (lines.length >= insertRows) await flush();
    if (total + lines.length >= targetRows) break;
  }
  await flush();
  return total;
}

async function reportColumns(ch: ClickHouse, table: string, rows: number): Promise<void> {
  const [db, name] = table.split('.');
  const columns = await queryRows<{ column: string; type: string; compressed: string; uncompressed: string }>(
    ch.client,
    `SELECT column, any(type) AS type, sum(column_data_compressed_bytes) AS compressed, sum(column_data_uncompressed_bytes) AS uncompressed
     FROM system.parts_columns WHERE database = {db:String} AND table = {name:String} AND active GROUP BY column ORDER BY compressed DESC`,
    { db, name },
  );
  const [disk] = await queryRows<{ on_disk: string; marks_and_index: string }>(
    ch.client,
    `SELECT sum(bytes_on_disk) AS on_disk, sum(marks_bytes + primary_key_bytes_in_memory) AS marks_and_index
     FROM system.parts WHERE database = {db:String} AND table = {name:String} AND active`,
    { db, name },
  );
  console.log(`## ${table}, bytes per position by column\n`);
  console.log('| column | type | compressed B/row | uncompressed B/row | ratio |');
  console.log('| --- | --- | ---: | ---: | ---: |');
  for (const c of columns) {
    console.log(`| ${c.column} | ${c.type} | ${(Number(c.compressed) / rows).toFixed(3)} | ${(Number(c.uncompressed) / rows).toFixed(2)} | ${(Number(c.uncompressed) / Number(c.compressed)).toFixed(1)}× |`);
  }
  const columnsTotal = columns.reduce((sum, c) => sum + Number(c.compressed), 0);
  console.log(`| **all columns** | | **${(columnsTotal / rows).toFixed(3)}** | | |`);
  console.log(`| **on disk (columns, marks, index, metadata)** | | **${(Number(disk?.on_disk) / rows).toFixed(3)}** | | |\n`);
}

async function reportVariants(ch: ClickHouse, rows: number): Promise<void> {
  const districts = loadDistricts();
  const central = districts.find((d) => d.id === 'd06') ?? districts[0]!;
  const street = streetPolygon(45.5152, -73.6101, 150);
  const hourFrom = new Date(FROM_MS + 2 * 3_600_000);
  const hourTo = new Date(FROM_MS + 3 * 3_600_000);
  console.log(`## key variants (rows the primary index selects for one hour, of ${rows.toLocaleString('en')})\n`);
  console.log('| variant | on disk B/row | district (d06) cells | district rows read | street (300 m) cells | street rows read |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const v of VARIANTS) {
    const [disk] = await queryRows<{ on_disk: string }>(ch.client, `SELECT sum(bytes_on_disk) AS on_disk FROM system.parts WHERE database = {db:String} AND table = {t:String} AND active`, {
      db: v.table.split('.')[0],
      t: v.table.split('.')[1],
    });
    const districtCells = cover(central.polygons[0]!, v.resolution);
    const streetCells = cover(street, v.resolution);
    const districtRows = await estimateRows(ch, v.table, districtCells, hourFrom, hourTo);
    const streetRows = await estimateRows(ch, v.table, streetCells, hourFrom, hourTo);
    const pct = (n: number) => `${n.toLocaleString('en')} (${((100 * n) / rows).toFixed(3)}%)`;
    console.log(`| ${v.label} | ${(Number(disk?.on_disk) / rows).toFixed(3)} | ${districtCells.length} | ${pct(districtRows)} | ${streetCells.length} | ${pct(streetRows)} |`);
  }
}

/** Cells overlapping a polygon ([lon, lat] rings), as numbers for an Array(UInt64) parameter. */
function cover(rings: [number, number][][], resolution: number): bigint[] {
  const latLng = rings.map((ring) => ring.map(([lon, lat]) => [lat, lon]));
  return h3.polygonToCellsExperimental(latLng, resolution, h3.POLYGON_TO_CELLS_FLAGS.containmentOverlapping).map((c) => BigInt(`0x${c}`));
}

function streetPolygon(lat: number, lon: number, halfMetres: number): [number, number][][] {
  const dLat = halfMetres / 111_320;
  const dLon = halfMetres / (111_320 * Math.cos((lat * Math.PI) / 180));
  return [[[lon - dLon, lat - dLat], [lon + dLon, lat - dLat], [lon + dLon, lat + dLat], [lon - dLon, lat + dLat], [lon - dLon, lat - dLat]]];
}

/**
 * Rows in the granules the primary index keeps: what an area query must read at
 * most. The period is repeated in the key's own terms (toStartOfHour(ts)), as
 * queries/sql/area-vehicles.sql does: ClickHouse does not derive it from ts.
 */
async function estimateRows(ch: ClickHouse, table: string, cells: bigint[], from: Date, to: Date): Promise<number> {
  const plan = await queryRows<{ rows: string }>(
    ch.client,
    `EXPLAIN ESTIMATE SELECT count() FROM ${table}
     WHERE h3_cell IN {cells:Array(UInt64)} AND ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')}
       AND toStartOfHour(ts) BETWEEN toStartOfHour({from:DateTime64(3, 'UTC')}) AND toStartOfHour({to:DateTime64(3, 'UTC')} - INTERVAL 1 MILLISECOND)`,
    { cells, from: from.toISOString().replace('T', ' ').replace('Z', ''), to: to.toISOString().replace('T', ' ').replace('Z', '') },
  );
  return plan.reduce((sum, p) => sum + Number(p.rows), 0);
}

await main();
