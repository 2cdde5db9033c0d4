import type { ClickHouseClient } from '../core/clickhouse.ts';
import { queryRows } from '../core/clickhouse.ts';
import { errorMessage } from '../core/errors.ts';

/**
 * A fleet's busiest hour against the mean of its month: a month's average
 * density times this bounds what any stretch of it holds. Couriers and vans
 * work by day, so their busiest hours carry about twice the mean.
 */
export const PEAK_TO_MEAN = 4;

/** Rows an index range costs at least, however few match: one granule (index_granularity). */
export const GRANULE_ROWS = 8192;

/** What fleet.positions holds in one partition (a month) and the time it spans. */
export interface PartitionSpan {
  readonly positions: number;
  readonly firstMs: number;
  readonly lastMs: number;
}

/** A month's positions spread evenly over its span, times PEAK_TO_MEAN, capped by the month's total. */
export function positionsBound(partitions: readonly PartitionSpan[], fromMs: number, toMs: number): number {
  let bound = 0;
  for (const p of partitions) {
    const overlap = Math.min(toMs, p.lastMs + 1) - Math.max(fromMs, p.firstMs);
    if (overlap <= 0) continue;
    // A span shorter than an hour (a fresh lake) says little about density: count it as an hour.
    const span = Math.max(p.lastMs + 1 - p.firstMs, 3_600_000);
    bound += Math.min(p.positions, (p.positions * overlap * PEAK_TO_MEAN) / span);
  }
  return Math.ceil(bound);
}

/**
 * How many positions a period can hold at most, from the parts' metadata
 * (rows and min/max time per part: nothing is read), reread in the
 * background. It lets the API skip the index estimate (`EXPLAIN ESTIMATE`,
 * about 20 ms of a district-hour's 90) for a query that could not reach the
 * time budget even if it read the whole period.
 */
export interface PeriodBound {
  /** An upper bound on the positions in [fromMs, toMs); undefined until the parts were read, or when they cannot say (a Distributed table). */
  positionsBetween(fromMs: number, toMs: number): number | undefined;
  /** Settles once the parts were first read (or could not be). */
  readonly ready: Promise<void>;
  close(): void;
}

const ENGINE_SQL = "SELECT engine FROM system.tables WHERE database = 'fleet' AND name = 'positions'";
const PARTS_SQL = `
SELECT
    toUInt64(sum(rows)) AS positions,
    toUnixTimestamp(min(min_time)) * 1000 AS first_ms,
    toUnixTimestamp(max(max_time)) * 1000 + 999 AS last_ms
FROM system.parts
WHERE database = 'fleet' AND table = 'positions' AND active
GROUP BY partition`;

/** The most a query over `cells` H3 cells of the period can read: its positions, and one granule per cell in each of the three tables an area query reads. */
export function readBound(bound: PeriodBound, fromMs: number, toMs: number, cells: number): number | undefined {
  const positions = bound.positionsBetween(fromMs, toMs);
  return positions === undefined ? undefined : positions + 3 * cells * GRANULE_ROWS;
}

export function watchPeriodBound(client: ClickHouseClient, refreshMs: number, logger: { warn(details: object, message: string): void }): PeriodBound {
  let partitions: PartitionSpan[] | undefined;
  let warned = false;
  const read = async () => {
    try {
      const [table] = await queryRows<{ engine: string }>(client, ENGINE_SQL);
      // A Distributed table's parts live on its shards: this node's system.parts cannot bound it.
      if (!table?.engine.endsWith('MergeTree')) {
        partitions = undefined;
        return;
      }
      const rows = await queryRows<{ positions: string; first_ms: string; last_ms: string }>(client, PARTS_SQL);
      partitions = rows.map((r) => ({ positions: Number(r.positions), firstMs: Number(r.first_ms), lastMs: Number(r.last_ms) }));
      warned = false;
    } catch (err) {
      partitions = undefined;
      if (!warned) logger.warn({ err: errorMessage(err) }, 'cannot read fleet.positions parts; area queries are estimated from the index alone');
      warned = true;
    }
  };
  const ready = read();
  const timer = setInterval(() => void read(), refreshMs);
  timer.unref();
  return {
    positionsBetween: (fromMs, toMs) => (partitions ? positionsBound(partitions, fromMs, toMs) : undefined),
    ready,
    close: () => clearInterval(timer),
  };
}
