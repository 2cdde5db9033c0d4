import type { ClickHouseClient } from '../core/clickhouse.ts';
import { queryRows } from '../core/clickhouse.ts';
import { DEFAULT_DISTRICTS_FILE, loadDistricts, type District } from '../core/districts.ts';
import { TABLES } from '../core/names.ts';

/**
 * fleet.districts is written here and only here: `fleetlake districts load`
 * replaces its contents, and `fleetlake migrate` fills it with the built-in
 * city when it is empty. The API only reads it, through the named queries.
 */
export async function replaceDistricts(client: ClickHouseClient, districts: readonly District[]): Promise<void> {
  await client.command({ query: `TRUNCATE TABLE ${TABLES.districts}` });
  await client.insert({
    table: TABLES.districts,
    columns: ['id', 'name', 'polygons'],
    values: districts.map((d) => ({ id: d.id, name: d.name, polygons: d.polygons })),
    format: 'JSONEachRow',
  });
}

export async function countDistricts(client: ClickHouseClient): Promise<number> {
  const [row] = await queryRows<{ n: string }>(client, `SELECT count() AS n FROM ${TABLES.districts}`);
  return Number(row?.n ?? 0);
}

export interface EnsureDistrictsResult {
  /** The file loaded, when the table was empty. */
  readonly loadedFrom?: string;
  readonly count: number;
}

/** Loads the default districts (or `file`) when fleet.districts is empty; leaves loaded ones alone. */
export async function ensureDistricts(client: ClickHouseClient, file: string = DEFAULT_DISTRICTS_FILE): Promise<EnsureDistrictsResult> {
  const count = await countDistricts(client);
  if (count > 0) return { count };
  const districts = loadDistricts(file);
  await replaceDistricts(client, districts);
  return { loadedFrom: file, count: districts.length };
}
