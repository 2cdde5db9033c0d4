import type { ClickHouseClient } from '../core/clickhouse.ts';
import { queryRows } from '../core/clickhouse.ts';
import { FleetlakeError } from '../core/errors.ts';
import { DATABASE, TABLES } from '../core/names.ts';

/** The tables the query API reads. */
export const API_TABLES = [TABLES.positions, TABLES.latestPositions, TABLES.presenceHourly, TABLES.presenceDaily, TABLES.districts, TABLES.apiKeys] as const;

/** Fails with API_SCHEMA_MISSING naming every missing table (the cure is `fleetlake migrate`). */
export async function checkLakeSchema(client: ClickHouseClient): Promise<void> {
  const present = await queryRows<{ name: string }>(client, 'SELECT name FROM system.tables WHERE database = {database:String}', { database: DATABASE });
  const found = new Set(present.map((t) => `${DATABASE}.${t.name}`));
  const missing = API_TABLES.filter((t) => !found.has(t));
  if (missing.length > 0) throw new FleetlakeError('API_SCHEMA_MISSING', { tables: missing.join(', ') });
}
