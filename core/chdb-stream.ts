import type { ClickHouseClientConfigOptions } from '@clickhouse/client';
import { parseError } from '@clickhouse/client';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { trailingFormat } from './sql-text.ts';

type Connection = NonNullable<ClickHouseClientConfigOptions['connection']>;
type ExecParams = Parameters<Connection['exec']>[0];
type ExecResult = Awaited<ReturnType<Connection['exec']>>;

/**
 * How the chunks of the embedded engine's streaming query join into one
 * answer. The engine formats every chunk (about 32k rows) on its own: a row
 * format's chunks simply follow each other, a *WithNames format repeats its
 * header line in every chunk, and an Arrow stream repeats its schema message
 * and end-of-stream marker. A Parquet chunk is a whole file, and files do not
 * join: Parquet (and every format not listed) is not streamed.
 */
const JOINS = {
  JSONEachRow: 'rows',
  JSONLines: 'rows',
  NDJSON: 'rows',
  JSONCompactEachRow: 'rows',
  CSV: 'rows',
  TSV: 'rows',
  TabSeparated: 'rows',
  CSVWithNames: 'header',
  TSVWithNames: 'header',
  TabSeparatedWithNames: 'header',
  ArrowStream: 'arrow',
} as const;

type Join = (typeof JOINS)[keyof typeof JOINS];

/** Arrow IPC end of stream: the continuation marker and a zero metadata length. */
const ARROW_EOS = Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

/** The engine streams SELECT queries only (DESCRIBE, SHOW and the like it refuses to). */
const SELECT = /^[\s(]*(SELECT|WITH)\b/i;

/** The query's output format when it is a SELECT whose chunks can be joined (the text ends in FORMAT x), else undefined. */
export function streamableFormat(query: string): keyof typeof JOINS | undefined {
  const { statement, format } = trailingFormat(query);
  return format !== undefined && format in JOINS && SELECT.test(statement) ? (format as keyof typeof JOINS) : undefined;
}

/**
 * One chunk as part of the joined answer: later chunks lose their header line
 * or Arrow schema message (marker, metadata length, metadata; a schema has no
 * body), every Arrow chunk its end-of-stream marker (one closes the answer).
 */
export function joinChunk(join: Join, chunk: Buffer, index: number): Buffer {
  if (join === 'rows') return chunk;
  if (join === 'header') return index === 0 ? chunk : chunk.subarray(chunk.indexOf(10) + 1);
  const start = index === 0 ? 0 : 8 + chunk.readInt32LE(4);
  const end = chunk.subarray(-8).equals(ARROW_EOS) ? chunk.length - 8 : chunk.length;
  return chunk.subarray(start, end);
}

/**
 * Runs a read on a session of its own with the engine's streaming query, so
 * its rows leave as the engine produces them instead of as one buffer once
 * the query is done (which is what chdb/connection's exec does), and a slow
 * reader holds no session other queries wait for. The request's settings are
 * SET on that fresh session (only real engine settings: the HTTP-only ones
 * have no meaning here). Resolves at the first chunk, so a failure before any
 * row rejects, as a server's status would; a later one fails the stream.
 */
export async function execStreaming(path: string, settingNames: ReadonlySet<string>, params: ExecParams, format: keyof typeof JOINS): Promise<ExecResult> {
  const { Session } = createRequire(import.meta.url)('chdb') as typeof import('chdb');
  const session = new Session(path);
  const join = JOINS[format];
  let chunks: AsyncIterator<{ raw(): Uint8Array }>;
  let first: IteratorResult<{ raw(): Uint8Array }>;
  try {
    for (const [name, value] of Object.entries(params.clickhouse_settings ?? {})) {
      if (value === undefined || !settingNames.has(name)) continue;
      session.query(`SET ${name} = ${typeof value === 'number' ? value : `'${String(value).replace(/\\/g, '\\\\').replace(/'/g, "''")}'`}`);
    }
    const stream = session.queryStreamBind(trailingFormat(params.query).statement, params.query_params ?? {}, { format, signal: params.abort_signal });
    chunks = stream[Symbol.asyncIterator]();
    first = await chunks.next();
  } catch (err) {
    session.close();
    throw asClickHouseError(err);
  }

  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await chunks.return?.();
    session.close();
  };
  async function* bytes(): AsyncGenerator<Buffer> {
    try {
      let index = 0;
      for (let next = first; !next.done; next = await chunks.next()) yield joinChunk(join, Buffer.from(next.value.raw()), index++);
      if (join === 'arrow') yield ARROW_EOS;
    } catch (err) {
      throw asClickHouseError(err);
    } finally {
      await release();
    }
  }
  const stream = Readable.from(bytes(), { objectMode: false });
  // A body destroyed before its first read never enters bytes(), whose finally would not run.
  stream.once('close', () => void release());
  return { stream, query_id: params.query_id ?? randomUUID(), response_headers: {}, http_status_code: 200 };
}

/** The engine's "Code: N. DB::Exception: … (TYPE)" as the ClickHouseError both transports give. */
function asClickHouseError(err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  const parsed = parseError(message.replace(/^Query failed: /, ''));
  if (parsed !== err) parsed.cause = err;
  return parsed;
}
