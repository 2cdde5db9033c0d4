import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestLake, type TestLake } from '../test-support/lake.ts';
import { joinChunk, streamableFormat } from './chdb-stream.ts';
import { queryRows } from './clickhouse.ts';

/** Reads a body, counting the pieces it came in. */
async function collect(stream: Readable): Promise<{ bytes: Buffer; pieces: number }> {
  const pieces: Buffer[] = [];
  for await (const piece of stream) pieces.push(piece as Buffer);
  return { bytes: Buffer.concat(pieces), pieces: pieces.length };
}

describe('reads streamed from the embedded engine', () => {
  let lake: TestLake;
  const files = mkdtempSync(join(tmpdir(), 'fleetlake-chdb-stream-'));
  // Enough rows for many of the engine's chunks (about 32k rows each).
  const QUERY = "SELECT number AS n, toString(number) AS s, toDateTime64(number / 1000, 3, 'UTC') AS ts FROM numbers({rows:UInt64}) ORDER BY n";

  beforeAll(async () => {
    lake = await openTestLake();
  });
  afterAll(async () => {
    await lake?.dispose();
    rmSync(files, { recursive: true, force: true });
  });

  it('joins the chunks of each streamable format into one answer ClickHouse reads back whole', async () => {
    for (const format of ['JSONEachRow', 'CSVWithNames', 'TSVWithNames', 'ArrowStream'] as const) {
      const { stream } = await lake.ch.client.exec({ query: `${QUERY}\nFORMAT ${format}`, query_params: { rows: 200_000 }, clickhouse_settings: { readonly: '2' } });
      const { bytes, pieces } = await collect(stream as Readable);
      expect(pieces, format).toBeGreaterThan(2);
      const file = join(files, `answer.${format}`);
      writeFileSync(file, bytes);
      const [read] = await queryRows<{ rows: string; sum: string; last: string }>(
        lake.ch.client,
        `SELECT count() AS rows, sum(n) AS sum, toString(max(ts)) AS last FROM file({file:String}, ${format}, 'n UInt64, s String, ts DateTime64(3, \\'UTC\\')')`,
        { file },
      );
      expect(read, format).toEqual({ rows: '200000', sum: String((199_999 * 200_000) / 2), last: '1970-01-01 00:03:19.999' });
    }
  });

  it('buffers a request with wait_end_of_query = 1, as a server would', async () => {
    const { stream } = await lake.ch.client.exec({ query: `${QUERY}\nFORMAT CSV`, query_params: { rows: 200_000 }, clickhouse_settings: { wait_end_of_query: 1 } });
    expect((await collect(stream as Readable)).pieces).toBe(1);
  });

  it('lets go of its session when the reader drops the body unread, so later reads go on', async () => {
    for (let i = 0; i < 5; i++) {
      const { stream } = await lake.ch.client.exec({ query: `${QUERY}\nFORMAT CSV`, query_params: { rows: 200_000 } });
      stream.destroy();
    }
    const { stream } = await lake.ch.client.exec({ query: `${QUERY}\nFORMAT CSV`, query_params: { rows: 10 } });
    expect((await collect(stream as Readable)).bytes.toString().split('\n')).toHaveLength(11);
  });

  it('gives an empty answer its header or Arrow schema', async () => {
    const csv = await lake.ch.client.exec({ query: `${QUERY}\nFORMAT CSVWithNames`, query_params: { rows: 0 } });
    expect((await collect(csv.stream as Readable)).bytes.toString()).toBe('"n","s","ts"\n');
    const arrow = await lake.ch.client.exec({ query: `${QUERY}\nFORMAT ArrowStream`, query_params: { rows: 0 } });
    const file = join(files, 'empty.arrows');
    writeFileSync(file, (await collect(arrow.stream as Readable)).bytes);
    expect(await queryRows(lake.ch.client, 'SELECT * FROM file({file:String}, ArrowStream)', { file })).toEqual([]);
  });

  it('rejects a failure before the first row as the server would, and fails the stream for one after it', async () => {
    const early = await lake.ch.client.exec({ query: 'SELECT no_such_column FROM numbers(10) FORMAT CSV' }).catch((err: unknown) => err);
    expect(early).toMatchObject({ code: '47', type: 'UNKNOWN_IDENTIFIER' });
    const { stream } = await lake.ch.client.exec({
      query: 'SELECT number, sleepEachRow(0.01) FROM numbers(100000) SETTINGS max_block_size = 10, max_execution_time = 0.5, timeout_overflow_mode = \'throw\'\nFORMAT CSV',
    });
    const late = await collect(stream as Readable).catch((err: unknown) => err);
    expect(late).toMatchObject({ code: '159' });
  });

  it('streams only SELECTs in formats whose chunks join, named by a trailing FORMAT clause', () => {
    expect(streamableFormat('SELECT 1\nFORMAT ArrowStream')).toBe('ArrowStream');
    expect(streamableFormat('SELECT 1 FORMAT Parquet')).toBeUndefined();
    expect(streamableFormat('SELECT 1 FORMAT JSON')).toBeUndefined();
    expect(streamableFormat('SELECT 1')).toBeUndefined();
    expect(streamableFormat('DESCRIBE TABLE fleet.positions FORMAT TSV')).toBeUndefined();
    expect(streamableFormat('WITH 1 AS x SELECT x FORMAT CSV')).toBe('CSV');
    expect(joinChunk('header', Buffer.from('"a"\n1\n'), 1).toString()).toBe('1\n');
    expect(joinChunk('rows', Buffer.from('1\n'), 3).toString()).toBe('1\n');
  });
});
