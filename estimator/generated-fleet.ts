import type { ClickHouseClient } from '../core/clickhouse.ts';
import type { FleetlakeConfig } from '../core/config.ts';
import { TABLES } from '../core/names.ts';
import { backfillMessages } from '../generator/index.ts';
import { createInProcessSource, runIngest } from '../ingest/index.ts';

/**
 * Puts a known generated fleet into a lake the way production does — the
 * generator's messages through the real ingest pipeline — and then makes the
 * table look like steady state, so calibrations and the prediction test
 * measure what a long-running lake would hold.
 */
export interface GeneratedFleet {
  readonly vehicles: number;
  readonly seed: number;
  readonly fromMs: number;
  readonly toMs: number;
  readonly intervalMs: number;
}

const PUSH_CHUNK = 20_000;

/** Returns the rows ingest inserted. Ingest also writes its rows_per_second reports into fleet.ingest_metrics. */
export async function ingestGeneratedFleet(client: ClickHouseClient, config: FleetlakeConfig, fleet: GeneratedFleet): Promise<number> {
  const source = createInProcessSource();
  const running = runIngest({ source, client, config });
  try {
    let chunk: { key: string; value: string }[] = [];
    for (const message of backfillMessages(fleet)) {
      chunk.push(message);
      if (chunk.length === PUSH_CHUNK) {
        await source.push(chunk);
        chunk = [];
      }
    }
    await source.push(chunk);
  } finally {
    source.end();
  }
  const summary = await running;
  await mergeAsSteadyState(client);
  return summary.rows;
}

/**
 * A month of a real fleet is one partition of many GB: stored one file per
 * column (wide) and long merged. Small test data would stay in compact parts
 * of a few inserts, with other sizes and no per-column figures.
 */
export async function useWideParts(client: ClickHouseClient): Promise<void> {
  await client.command({ query: `ALTER TABLE ${TABLES.positions} MODIFY SETTING min_bytes_for_wide_part = 0, min_rows_for_wide_part = 0` });
}

export async function mergeAsSteadyState(client: ClickHouseClient): Promise<void> {
  await client.command({ query: `OPTIMIZE TABLE ${TABLES.positions} FINAL` });
}
