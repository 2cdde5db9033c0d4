import type { ClickHouseClient } from '../core/clickhouse.ts';
import { errorMessage } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { TABLES } from '../core/names.ts';
import { dateTimeParam } from './param-text.ts';

/** A row of fleet.api_audit (schema/migrations/0031_api_audit.sql). */
export interface AuditEntry {
  readonly ts: number;
  readonly requestId: string;
  readonly keyId: string;
  readonly keyName: string;
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly vehicleId: string;
  readonly area: string;
  readonly periodFrom?: number;
  readonly periodTo?: number;
  readonly rowsReturned: number;
  readonly durationMs: number;
  readonly client: string;
}

export interface AuditLog {
  /** Takes an entry; never blocks, never throws. */
  record(entry: AuditEntry): void;
  /** Writes what is buffered; resolves once ClickHouse acknowledged it (rows stay buffered on failure). */
  flush(): Promise<void>;
  /** Stops the timer and flushes. */
  close(): Promise<void>;
}

export interface AuditLogOptions {
  readonly client: ClickHouseClient;
  readonly logger?: Pick<Logger, 'warn' | 'error'>;
  /** How often buffered entries are written. */
  readonly flushMs?: number;
  /** Entries that trigger a write before the timer. */
  readonly batchRows?: number;
  /** Entries kept while ClickHouse refuses writes; beyond, the oldest are dropped and that is logged. */
  readonly maxBuffered?: number;
}

/**
 * The API's audit trail, written in batches: one insert per request would
 * make a part per request in ClickHouse. An entry waits at most `flushMs`.
 */
export function createAuditLog(options: AuditLogOptions): AuditLog {
  const { client, logger, flushMs = 1000, batchRows = 1000, maxBuffered = 100_000 } = options;
  let buffer: AuditEntry[] = [];
  let writing: Promise<void> = Promise.resolve();

  const write = () =>
    (writing = writing.then(async () => {
      if (buffer.length === 0) return;
      const batch = buffer;
      buffer = [];
      try {
        await client.insert({ table: TABLES.apiAudit, values: batch.map(toRow), format: 'JSONEachRow' });
      } catch (err) {
        buffer = [...batch, ...buffer];
        const dropped = buffer.length - maxBuffered;
        if (dropped > 0) {
          buffer = buffer.slice(dropped);
          logger?.error({ dropped }, 'audit entries dropped: ClickHouse refuses writes to fleet.api_audit');
        }
        logger?.warn({ err: errorMessage(err), buffered: buffer.length }, 'cannot write the audit trail yet; will retry');
      }
    }));

  const timer = setInterval(() => void write(), flushMs);
  timer.unref();

  return {
    record(entry) {
      buffer.push(entry);
      if (buffer.length >= batchRows) void write();
    },
    flush: write,
    async close() {
      clearInterval(timer);
      await write();
    },
  };
}

function toRow(entry: AuditEntry) {
  return {
    ts: dateTimeParam(entry.ts),
    request_id: entry.requestId,
    key_id: entry.keyId,
    key_name: entry.keyName,
    method: entry.method,
    route: entry.route,
    status: entry.status,
    vehicle_id: entry.vehicleId,
    area: entry.area,
    period_from: entry.periodFrom === undefined ? null : dateTimeParam(entry.periodFrom),
    period_to: entry.periodTo === undefined ? null : dateTimeParam(entry.periodTo),
    rows_returned: entry.rowsReturned,
    duration_ms: entry.durationMs,
    client: entry.client,
  };
}
