import type { ClickHouseClientConfigOptions } from '@clickhouse/client';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { createInsertSpool, insertSpoolDir } from './chdb-insert-spool.ts';
import { execStreaming, streamableFormat } from './chdb-stream.ts';

type Connection = NonNullable<ClickHouseClientConfigOptions['connection']>;
type Settings = Record<string, unknown> | undefined;
type ExecParams = Parameters<Connection['exec']>[0];
type ExecResult = Awaited<ReturnType<Connection['exec']>>;

/**
 * A @clickhouse/client Connection on the embedded engine whose settings behave
 * as they do over HTTP: per query.
 *
 * chdb/connection turns a request's clickhouse_settings into `SET k = v; …` on
 * its one engine session, so a setting outlives its query: a later query
 * silently inherits a max_execution_time, and a single `readonly` locks the
 * session for good (ClickHouse refuses to lower readonly once set). Here every
 * request that asks for readonly runs on a session of its own that is
 * read-only from the start, and on each session every setting an earlier
 * request changed is put back to its default unless the request sets it too.
 */
export function createScopedChdbConnection(path: string, defaults: ReadonlyMap<string, string>): Connection {
  const writer = createSession(path, defaults);
  const settingNames = new Set(defaults.keys());
  const spool = createInsertSpool(insertSpoolDir(path));
  let reader: ScopedSession | undefined;
  const sessionFor = (settings: Settings): ScopedSession => {
    const readonly = settings?.readonly;
    if (readonly === undefined || readonly === 0 || readonly === '0') return writer;
    reader ??= createSession(path, defaults);
    return reader;
  };

  /**
   * An insert with a body: the body goes to a file that the statement reads (core/chdb-insert-spool.ts), written
   * before the request queues for its session, so that writing overlaps the insert running there.
   */
  const insertWithBody = async (params: Omit<ExecParams, 'values'> & { values: Readable | string }): Promise<ExecResult> => {
    const session = sessionFor(params.clickhouse_settings);
    const spooled = await spool.spool(params.query, params.values);
    if (spooled === undefined || spooled === 'empty') {
      // Not an INSERT … FORMAT (chdb/connection appends the body), or nothing to insert (it answers as a server does).
      const values = spooled === 'empty' ? Readable.from([]) : typeof params.values === 'string' ? Readable.from([params.values]) : params.values;
      return session.run((s) => s.connection.exec(s.scope({ ...params, values })));
    }
    try {
      return await session.run((s) => s.connection.exec(s.scope({ ...params, query: spooled.query, values: undefined })));
    } finally {
      await spooled.release();
    }
  };

  const connection: Connection = {
    ping: (params) => writer.connection.ping(params),
    query: (params) => sessionFor(params.clickhouse_settings).run((s) => s.connection.query(s.scope(params))),
    exec: (params) => {
      if (params.values !== undefined) return insertWithBody({ ...params, values: params.values });
      // A read in a format whose chunks join streams on a session of its own (core/chdb-stream.ts); the rest is buffered by
      // chdb/connection, and so is a request with wait_end_of_query = 1, which asks a server for the whole answer before the first byte.
      const waits = String(params.clickhouse_settings?.wait_end_of_query ?? 0) === '1';
      const format = !waits ? streamableFormat(params.query) : undefined;
      if (format) return execStreaming(path, settingNames, params, format);
      return sessionFor(params.clickhouse_settings).run((s) => s.connection.exec(s.scope(params)));
    },
    command: (params) => sessionFor(params.clickhouse_settings).run((s) => s.connection.command(s.scope(params))),
    async insert(params) {
      const { stream, query_id, summary, response_headers } = await insertWithBody(params);
      stream.destroy();
      return { query_id, summary, response_headers };
    },
    async close() {
      spool.close();
      await Promise.all([writer.connection.close(), reader?.connection.close()]);
    },
  };
  return connection;
}

interface ScopedSession {
  readonly connection: Connection;
  /** The request with resets added for settings earlier requests changed. */
  scope<P extends { clickhouse_settings?: Settings }>(params: P): P;
  /** Runs one request at a time: a request's SETs and its query must not interleave with another's. */
  run<T>(request: (session: ScopedSession) => Promise<T>): Promise<T>;
}

function createSession(path: string, defaults: ReadonlyMap<string, string>): ScopedSession {
  // chdb types its Connection against @clickhouse/client-common, which @clickhouse/client
  // now bundles as its own copy: the same interface under two module identities.
  // Loaded on first use, as core/clickhouse.ts loads the engine: only processes that open a lake carry its native library.
  const { createChdbConnection } = createRequire(import.meta.url)('chdb/connection') as typeof import('chdb/connection');
  const connection = createChdbConnection({ path }) as unknown as Connection;
  const changed = new Set<string>();
  let queue: Promise<unknown> = Promise.resolve();
  const session: ScopedSession = {
    connection,
    scope(params) {
      const requested = params.clickhouse_settings ?? {};
      const settings: Record<string, unknown> = {};
      for (const name of changed) {
        const fallback = defaults.get(name);
        if (!(name in requested) && fallback !== undefined) settings[name] = fallback;
      }
      for (const [name, value] of Object.entries(requested)) {
        if (value === undefined) continue;
        settings[name] = value;
        if (defaults.has(name)) changed.add(name);
      }
      return { ...params, clickhouse_settings: settings };
    },
    run(request) {
      const result = queue.then(() => request(session));
      queue = result.catch(() => undefined);
      return result;
    },
  };
  return session;
}
