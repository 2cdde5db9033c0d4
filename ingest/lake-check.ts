import { queryRows, type ClickHouseClient } from '../core/clickhouse.ts';
import { FleetlakeError } from '../core/errors.ts';
import { TABLES } from '../core/names.ts';

const NEEDED = [TABLES.positions, TABLES.ingestRejects, TABLES.ingestMetrics, TABLES.ingestJournal, TABLES.ingestFileProgress];

/** Refuses to start on a lake without the tables ingest writes, with the command that creates them. */
export async function checkLakeReady(client: ClickHouseClient, location: string): Promise<void> {
  const present = await queryRows<{ table: string }>(
    client,
    `SELECT concat(database, '.', name) AS table FROM system.tables WHERE table IN {names:Array(String)}`,
    { names: NEEDED },
  );
  const missing = NEEDED.filter((t) => !present.some((p) => p.table === t));
  if (missing.length > 0) {
    throw new FleetlakeError('INGEST_LAKE_NOT_READY', {
      detail: `the lake at ${location} has no ${missing.join(', ')}: run 'fleetlake migrate' first`,
    });
  }
}
