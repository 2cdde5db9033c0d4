import { queryRows, type ClickHouseClient } from '../../core/clickhouse.ts';
import { TABLES } from '../../core/names.ts';

/** The commit log of file imports (migration 0006): the next line to read, per file content. */
export interface FileProgress {
  /** The first line not yet committed (1 when the file was never imported). */
  resumeAt(stream: string): Promise<number>;
  commit(stream: string, path: string, nextOffset: number): Promise<void>;
}

export function createFileProgress(client: ClickHouseClient): FileProgress {
  return {
    async resumeAt(stream) {
      const [row] = await queryRows<{ next: string }>(
        client,
        `SELECT max(next_offset) AS next FROM ${TABLES.ingestFileProgress} WHERE stream = {stream:String}`,
        { stream },
      );
      return Math.max(1, Number(row?.next ?? 0));
    },
    async commit(stream, path, nextOffset) {
      await client.insert({ table: TABLES.ingestFileProgress, values: [{ stream, path, next_offset: nextOffset }], format: 'JSONEachRow' });
    },
  };
}
