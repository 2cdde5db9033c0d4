import { Readable } from 'node:stream';
import type { ClickHouseClient } from '../core/clickhouse.ts';
import { TABLES } from '../core/names.ts';
import { stringLiteral } from '../core/sql-text.ts';
import { POSITION_INSERT_FORMAT } from './encode-batch.ts';
import type { Reject, SourceKind } from './types.ts';
import { ONE_NODE, type WriteConsistency } from './write-consistency.ts';

/** The two idempotent writes of a batch. Both throw on any ClickHouse failure; the caller retries with the same token. */
export interface IngestWriter {
  /** `columns`: those of the body's lines (EncodedBatch.columns). */
  insertPositions(token: string, body: Buffer, columns: readonly string[]): Promise<void>;
  insertRejects(token: string, source: SourceKind, rejects: readonly Reject[]): Promise<void>;
}

/**
 * Writes through the shared @clickhouse/client client, with the dedup token in
 * the statement's own SETTINGS clause. Not in `clickhouse_settings`: the
 * embedded connection turns those into session-wide `SET`s, and a token left
 * on the session would silently deduplicate the next unrelated insert.
 */
export function createClickHouseWriter(client: ClickHouseClient, consistency: WriteConsistency = ONE_NODE): IngestWriter {
  const insert = async (table: string, columns: readonly string[], format: string, token: string, body: Buffer | string) => {
    const result = await client.exec({
      // Pinned so that a server profile turning deduplication off or inserts asynchronous cannot break exactly-once.
      query: `INSERT INTO ${table} (${columns.join(', ')}) SETTINGS insert_deduplicate = 1, async_insert = 0, insert_deduplication_token = ${stringLiteral(token)}${consistency.batchInsertSettings} FORMAT ${format}`,
      values: Readable.from([body]),
    });
    result.stream.destroy();
  };
  return {
    insertPositions: (token, body, columns) => insert(TABLES.positions, columns, POSITION_INSERT_FORMAT, token, body),
    insertRejects(token, source, rejects) {
      const body = rejects
        .map((r) =>
          JSON.stringify({
            source,
            topic: r.stream.topic,
            partition: r.stream.partition,
            offset: r.offset,
            reason: r.reason,
            detail: r.detail,
            payload: typeof r.payload === 'string' ? r.payload : r.payload.toString('utf8'),
          }),
        )
        .join('\n');
      return insert(TABLES.ingestRejects, ['source', 'topic', 'partition', 'offset', 'reason', 'detail', 'payload'], 'JSONEachRow', token, body);
    },
  };
}
