import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { ClickHouseClient } from '../core/clickhouse.ts';
import { FleetlakeError } from '../core/errors.ts';
import type { Metrics } from '../core/metrics.ts';
import { parseExceptionText } from '../core/failures.ts';
import { fromFailure, toApiError } from './clickhouse-errors.ts';
import type { NamedQueries, NamedQuery, QueryName } from './named-sql.ts';
import type { ParamValues } from './param-text.ts';

/** What ClickHouse reports a query cost: the `stats` of API answers. */
export interface QueryStats {
  readonly rowsRead: number;
  readonly bytesRead: number;
  /** ClickHouse's own elapsed time when it reports one, otherwise the wall time of the call. */
  readonly elapsedMs: number;
}

/** Rows of a running query; `stats()` is final once iteration has ended. */
export interface RowStream<T> extends AsyncIterable<T> {
  stats(): QueryStats;
}

export type RawFormat = 'JSONEachRow' | 'CSVWithNames' | 'Parquet' | 'ArrowStream';

/** What ClickHouse's primary indexes select for one table of a query, before it runs (EXPLAIN ESTIMATE). */
export interface TableEstimate {
  readonly table: string;
  readonly parts: number;
  readonly rows: number;
}

export interface QueryRunner {
  /** Starts a query; resolves at its first row (or its end), so a failure before any row rejects. */
  stream<T>(name: QueryName, params: ParamValues, signal?: AbortSignal): Promise<RowStream<T>>;
  /** All rows of a query whose size its LIMIT bounds. */
  all<T>(name: QueryName, params: ParamValues, signal?: AbortSignal): Promise<{ rows: T[]; stats: QueryStats }>;
  /** The query's output in a ClickHouse format, as bytes. */
  raw(name: QueryName, params: ParamValues, format: RawFormat, signal?: AbortSignal): Promise<Readable>;
  /** Rows the query would read, per table, from index analysis alone: nothing is read. */
  estimate(name: QueryName, params: ParamValues, signal?: AbortSignal): Promise<TableEstimate[]>;
}

export interface QueryRunnerOptions {
  readonly client: ClickHouseClient;
  readonly queries: NamedQueries;
  /** The time budget: ClickHouse cancels a query past it (max_execution_time, timeout_overflow_mode=throw). */
  readonly budgetMs: number;
  /** Adds readonly = 2 to every query; false when the client is read-only already (ClickHouse.reader, a read-only profile). */
  readonly setReadonly: boolean;
  readonly metrics?: Pick<Metrics, 'apiQueryRowsRead' | 'apiQueryTimeouts'>;
}

type ProgressLine = { read_rows?: string; read_bytes?: string; elapsed_ns?: string };
type Line = { row?: unknown; progress?: ProgressLine; exception?: string };

/**
 * Runs the named queries with their limits. The limits go into the SQL's own
 * SETTINGS clause, so they travel with the statement and mean the same on any
 * client and in both modes (a per-request setting is a URL parameter over HTTP
 * but a SET on the embedded engine's session). Output is
 * JSONEachRowWithProgress in every mode, because its progress lines carry rows
 * and bytes read (the embedded connection has no summary header).
 */
export function createQueryRunner(options: QueryRunnerOptions): QueryRunner {
  const { client, queries, budgetMs, metrics } = options;
  const settingsFor = (ms: number) =>
    [...(options.setReadonly ? ['readonly = 2'] : []), `max_execution_time = ${ms / 1000}`, "timeout_overflow_mode = 'throw'"].join(', ');
  const settings = settingsFor(budgetMs);
  // Index analysis only, which builds the cell sets: not held to the query's own budget, lest a tight one refuse it.
  const estimateSettings = settingsFor(Math.max(budgetMs, 5000));

  const fail = (name: QueryName, err: unknown) => {
    const error = toApiError(err, name, budgetMs);
    if (error.code === 'API_QUERY_TIMEOUT') metrics?.apiQueryTimeouts.inc({ query: name });
    return error;
  };

  const exec = async (query: NamedQuery, params: ParamValues, format: string, signal?: AbortSignal, querySettings = settings) => {
    checkParams(query, params);
    try {
      const result = await client.exec({ query: `${query.sql}\nSETTINGS ${querySettings}\nFORMAT ${format}`, query_params: params, abort_signal: signal });
      return result.stream as Readable;
    } catch (err) {
      throw fail(query.name, err);
    }
  };

  const stream = async <T>(name: QueryName, params: ParamValues, signal?: AbortSignal): Promise<RowStream<T>> => {
    const started = performance.now();
    const body = await exec(queries[name], params, 'JSONEachRowWithProgress', signal);
    let progress: ProgressLine = {};
    let done = false;

    async function* rows(): AsyncGenerator<T> {
      try {
        for await (const text of splitLines(body)) {
          const line = JSON.parse(text) as Line;
          if (line.row !== undefined) yield line.row as T;
          else if (line.progress) progress = line.progress; // cumulative: the last one is the total
          else if (line.exception !== undefined) throw fromFailure(parseExceptionText(line.exception), name, budgetMs);
        }
      } catch (err) {
        throw fail(name, err);
      }
      done = true;
      metrics?.apiQueryRowsRead.inc({ query: name }, Number(progress.read_rows ?? 0));
    }

    const iterator = rows();
    const first = await iterator.next();
    return {
      async *[Symbol.asyncIterator]() {
        if (first.done) return;
        yield first.value;
        yield* iterator;
      },
      stats: () => ({
        rowsRead: Number(progress.read_rows ?? 0),
        bytesRead: Number(progress.read_bytes ?? 0),
        elapsedMs: progress.elapsed_ns !== undefined && done ? Number(progress.elapsed_ns) / 1e6 : performance.now() - started,
      }),
    };
  };

  return {
    stream,
    async all<T>(name: QueryName, params: ParamValues, signal?: AbortSignal) {
      const result = await stream<T>(name, params, signal);
      const rows: T[] = [];
      for await (const row of result) rows.push(row);
      return { rows, stats: result.stats() };
    },
    raw: (name, params, format, signal) => exec(queries[name], params, format, signal),
    async estimate(name, params, signal) {
      const query = queries[name];
      const body = await exec({ ...query, sql: `EXPLAIN ESTIMATE ${query.sql}` }, params, 'JSONEachRow', signal, estimateSettings);
      const rows: TableEstimate[] = [];
      for await (const text of splitLines(body)) {
        const line = JSON.parse(text) as { database: string; table: string; parts: string; rows: string };
        rows.push({ table: `${line.database}.${line.table}`, parts: Number(line.parts), rows: Number(line.rows) });
      }
      return rows;
    },
  };
}

/** The file's placeholders and the given values must match exactly: drift fails loudly. */
function checkParams(query: NamedQuery, params: ParamValues): void {
  const given = Object.keys(params).sort();
  const wanted = [...query.params.keys()].sort();
  if (given.join() !== wanted.join()) {
    throw new FleetlakeError('NAMED_QUERY_PARAMS', { file: query.file, wanted: wanted.join(', '), given: given.join(', ') });
  }
}

async function* splitLines(stream: Readable): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of stream) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
    // The embedded engine hands over its whole result as one chunk: walk it by index, not by re-slicing.
    let start = 0;
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      const line = pending.slice(start, newline);
      if (line.trim() !== '') yield line;
      start = newline + 1;
      newline = pending.indexOf('\n', start);
    }
    pending = pending.slice(start);
  }
  pending += decoder.end();
  if (pending.trim() !== '') yield pending;
}
