import { queryRows, type ClickHouseClient } from '../../core/clickhouse.ts';
import { TABLES } from '../../core/names.ts';

/** Per vehicle: rows and the sums of every stored value at its stored precision, as decimal strings. */
export type VehicleChecksums = Map<string, string>;

/** What ClickHouse must hold for these wire messages, computed independently of ingest's encoder. */
export function expectedChecksums(values: Iterable<string>): VehicleChecksums {
  const sums = new Map<string, bigint[]>();
  for (const value of values) {
    const p = JSON.parse(value) as { vehicle_id: string; ts: string; lat: number; lon: number; speed_kmh: number; heading_deg: number };
    const s = sums.get(p.vehicle_id) ?? [0n, 0n, 0n, 0n, 0n, 0n];
    const parts = [1, Date.parse(p.ts), Math.round(p.lat * 1e6), Math.round(p.lon * 1e6), Math.round(p.speed_kmh * 10), Math.round(p.heading_deg) % 360];
    parts.forEach((n, i) => (s[i] = s[i]! + BigInt(n)));
    sums.set(p.vehicle_id, s);
  }
  return new Map([...sums].map(([id, s]) => [id, s.join('|')]));
}

export async function storedChecksums(client: ClickHouseClient): Promise<VehicleChecksums> {
  const rows = await queryRows<{ vehicle_id: string; sums: string }>(
    client,
    `SELECT vehicle_id, concat(toString(count()), '|', toString(sum(toUnixTimestamp64Milli(ts))), '|',
            toString(sum(toInt64(round(toFloat64(lat) * 1e6)))), '|', toString(sum(toInt64(round(toFloat64(lon) * 1e6)))), '|',
            toString(sum(toInt64(round(toFloat64(speed_kmh) * 10)))), '|', toString(sum(heading_deg))) AS sums
     FROM ${TABLES.positions} GROUP BY vehicle_id`,
  );
  return new Map(rows.map((r) => [r.vehicle_id, r.sums]));
}

/** Rows stored more than once (same vehicle and event time). */
export async function duplicateRows(client: ClickHouseClient): Promise<number> {
  const [row] = await queryRows<{ n: string }>(client, `SELECT count() - uniqExact(vehicle_id, ts) AS n FROM ${TABLES.positions}`);
  return Number(row?.n ?? 0);
}

/**
 * Vehicles whose position count in a presence rollup differs from fleet.positions': a batch ingest retried must
 * be dropped by the rollups' views too (migration 0062). Each entry names the rollup table, the vehicle and both counts.
 */
export async function rollupMismatches(client: ClickHouseClient): Promise<string[]> {
  const mismatches: string[] = [];
  for (const table of [TABLES.presenceHourly, TABLES.presenceDaily]) {
    const rows = await queryRows<{ vehicle_id: string; raw: string; rolled: string }>(
      client,
      `SELECT vehicle_id, raw, rolled
       FROM (SELECT vehicle_id, count() AS raw FROM ${TABLES.positions} GROUP BY vehicle_id) AS r
       FULL OUTER JOIN (SELECT vehicle_id, sum(positions) AS rolled FROM ${table} GROUP BY vehicle_id) AS u USING (vehicle_id)
       WHERE raw != rolled`,
    );
    mismatches.push(...rows.map((r) => `${table} ${r.vehicle_id}: ${r.raw} positions, ${r.rolled} in the rollup`));
  }
  return mismatches;
}
