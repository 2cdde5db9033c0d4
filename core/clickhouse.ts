import { ClickHouseLogLevel, createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Session } from 'chdb';
import { resolve } from 'node:path';
import type { FleetlakeConfig } from './config.ts';
import { insertSpoolDir } from './chdb-insert-spool.ts';
import { createScopedChdbConnection } from './chdb-scoped-connection.ts';
import { DataDirBusyError, lockDataDir } from './data-dir-lock.ts';
import { FleetlakeError, errorMessage } from './errors.ts';
import { configuredColdS3, writeEmbeddedStorageConfig } from './storage-config.ts';

export type { ClickHouseClient } from '@clickhouse/client';

/**
 * Settings pinned on every request in both modes, because their defaults
 * differ between ClickHouse versions and the same SQL must mean the same thing:
 * - geoToH3 takes (lat, lon) since 25.x and (lon, lat) before; we write (lat, lon).
 * - 64-bit integers (H3 cells, counts) are quoted in JSON so JavaScript keeps every digit.
 */
export const PINNED_SETTINGS = {
  geotoh3_argument_order: 'lat_lon',
  output_format_json_quote_64bit_integers: 1,
} as unknown as ClickHouseSettings;

/** fleetlake reports failures itself (typed, with context); the client's own error log would say each twice. */
const CLIENT_LOG = { level: ClickHouseLogLevel.OFF };

const READONLY: ClickHouseSettings = { readonly: '2' };

/** Keeps long queries (backfills, benchmarks) alive through proxies that drop idle HTTP connections. */
const PROGRESS_HEADERS: ClickHouseSettings = { send_progress_in_http_headers: 1, http_headers_progress_interval_ms: '10000' };

export type ClickHouseMode = 'embedded' | 'server';

export interface ClickHouse {
  readonly client: ClickHouseClient;
  readonly mode: ClickHouseMode;
  /** Where the lake is, for logs and `--help` output: a URL or a data directory. */
  readonly location: string;
  /**
   * A client whose every query runs with readonly = 2: reads, and per-query
   * limits such as max_execution_time, but no writes and no DDL. For the query
   * API and the HTTP interface of an embedded lake.
   */
  readonly reader: ClickHouseClient;
  /** Embedded mode: tells other processes where this one serves the lake over HTTP. */
  advertise(httpUrl: string): void;
  close(): Promise<void>;
}

export interface OpenOptions {
  /**
   * When another running process owns the embedded data directory and serves it
   * over ClickHouse's HTTP interface, connect there (read-only) instead of failing.
   * For readers such as `fleetlake sql`; writers must own the lake.
   */
  readonly readThroughOwner?: boolean;
  /** Told when readThroughOwner redirects, so the user knows where answers come from. */
  readonly onRedirect?: (message: string) => void;
}

/**
 * Opens ClickHouse as configured: a server over HTTP when `clickhouse.url` is
 * set, otherwise the embedded engine on `clickhouse.data_dir`. Callers only see
 * an `@clickhouse/client` client, so the same code and SQL run in both modes.
 */
export function openClickHouse(config: FleetlakeConfig, options: OpenOptions = {}): ClickHouse {
  const { url, user, password, data_dir: dataDir, request_timeout: timeout, cluster } = config.clickhouse;
  if (url) return openServer(url, user, password, timeout.ms);
  if (cluster !== '') {
    throw new FleetlakeError('CONFIG_INVALID', {
      detail:
        `config: clickhouse.cluster = ${cluster} needs a ClickHouse server of that cluster in clickhouse.url (CLICKHOUSE_URL): ` +
        'the embedded engine has no Keeper and cannot host Replicated tables. `fleetlake migrate --print` shows the cluster DDL without one',
    });
  }
  try {
    return openEmbedded(dataDir, timeout.ms, config.storage);
  } catch (err) {
    if (!(options.readThroughOwner && err instanceof DataDirBusyError && err.owner.http)) throw err;
    options.onRedirect?.(`the embedded lake in ${resolve(dataDir)} is owned by process ${err.owner.pid}; reading it through ${err.owner.http}`);
    return openServer(err.owner.http, 'default', '', timeout.ms);
  }
}

function openServer(url: string, user: string, password: string, requestTimeoutMs: number): ClickHouse {
  const connect = (extra: ClickHouseSettings) =>
    createClient({
      url,
      username: user,
      password,
      request_timeout: requestTimeoutMs,
      clickhouse_settings: { ...PINNED_SETTINGS, ...PROGRESS_HEADERS, ...extra },
      log: CLIENT_LOG,
    });
  const client = connect({});
  let reader: ClickHouseClient | undefined;
  return {
    client,
    mode: 'server',
    location: url,
    get reader() {
      return (reader ??= connect(READONLY));
    },
    advertise: () => {},
    close: async () => {
      await Promise.all([client.close(), reader?.close()]);
    },
  };
}

/**
 * The engine is loaded when a process first opens an embedded lake, not when
 * it imports this module: its native library adds about 200 MB of resident
 * memory, which commands that never open a lake (generate, broker, estimate)
 * should not carry.
 */
function loadChdb(): typeof import('chdb') {
  return createRequire(import.meta.url)('chdb') as typeof import('chdb');
}

function openEmbedded(dataDir: string, requestTimeoutMs: number, storage: FleetlakeConfig['storage']): ClickHouse {
  const path = resolve(dataDir);
  const lock = lockDataDir(path);
  // Bodies of inserts a killed owner never finished: nobody else can be using them now.
  rmSync(insertSpoolDir(path), { recursive: true, force: true });
  let session: Session;
  try {
    const { Session } = loadChdb();
    // The engine reads server configuration (the storage policy) only when it
    // starts, so a Session with --config-file must be the first to open the path.
    session = new Session(path, {
      connectionArgs: [`--config-file=${writeEmbeddedStorageConfig(path, configuredColdS3(storage))}`, '--geotoh3_argument_order=lat_lon'],
    });
  } catch (err) {
    lock.release();
    throw new FleetlakeError('CLICKHOUSE_UNAVAILABLE', { detail: `cannot start the embedded engine on ${path}: ${errorMessage(err)}` }, { cause: err });
  }
  const defaults = readSettingDefaults(session);
  const connect = (extra: ClickHouseSettings) =>
    createClient({
      connection: createScopedChdbConnection(path, defaults),
      request_timeout: requestTimeoutMs,
      clickhouse_settings: { ...PINNED_SETTINGS, ...PROGRESS_HEADERS, ...extra },
      log: CLIENT_LOG,
    });
  const client = connect({});
  let reader: ClickHouseClient | undefined;
  let closed = false;
  return {
    client,
    mode: 'embedded',
    location: path,
    get reader() {
      return (reader ??= connect(READONLY));
    },
    advertise: (httpUrl) => lock.advertise(httpUrl),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await Promise.all([client.close(), reader?.close()]);
      } finally {
        session.close();
        lock.release();
      }
    },
  };
}

/** Every setting's default, so per-query settings can be put back after their query (core/chdb-scoped-connection.ts). */
function readSettingDefaults(session: Session): Map<string, string> {
  const rows = session.query('SELECT name, default FROM system.settings', 'JSONEachRow').trim().split('\n');
  return new Map(rows.filter(Boolean).map((line) => {
    const { name, default: value } = JSON.parse(line) as { name: string; default: string };
    return [name, value];
  }));
}

/** Runs one query and returns its rows as objects. */
export async function queryRows<T>(client: ClickHouseClient, query: string, params: Record<string, unknown> = {}, settings: ClickHouseSettings = {}): Promise<T[]> {
  const result = await client.query({ query, query_params: params, format: 'JSONEachRow', clickhouse_settings: settings });
  return result.json<T>();
}
