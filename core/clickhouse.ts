import { ClickHouseLogLevel, createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import type { ClickHouseClientConfigOptions as ClientConfig } from '@clickhouse/client';
import { Session } from 'chdb';
import { createChdbConnection } from 'chdb/connection';
import { resolve } from 'node:path';
import type { FleetlakeConfig } from './config.ts';
import { DataDirBusyError, lockDataDir } from './data-dir-lock.ts';
import { FleetlakeError, errorMessage } from './errors.ts';
import { writeEmbeddedStorageConfig } from './storage-config.ts';

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

/** Keeps long queries (backfills, benchmarks) alive through proxies that drop idle HTTP connections. */
const PROGRESS_HEADERS: ClickHouseSettings = { send_progress_in_http_headers: 1, http_headers_progress_interval_ms: '10000' };

export type ClickHouseMode = 'embedded' | 'server';

export interface ClickHouse {
  readonly client: ClickHouseClient;
  readonly mode: ClickHouseMode;
  /** Where the lake is, for logs and `--help` output: a URL or a data directory. */
  readonly location: string;
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
  const { url, user, password, data_dir: dataDir, request_timeout: timeout } = config.clickhouse;
  if (url) return openServer(url, user, password, timeout.ms);
  try {
    return openEmbedded(dataDir, timeout.ms);
  } catch (err) {
    if (!(options.readThroughOwner && err instanceof DataDirBusyError && err.owner.http)) throw err;
    options.onRedirect?.(`the embedded lake in ${resolve(dataDir)} is owned by process ${err.owner.pid}; reading it through ${err.owner.http}`);
    return openServer(err.owner.http, 'default', '', timeout.ms);
  }
}

function openServer(url: string, user: string, password: string, requestTimeoutMs: number): ClickHouse {
  const client = createClient({
    url,
    username: user,
    password,
    request_timeout: requestTimeoutMs,
    clickhouse_settings: { ...PINNED_SETTINGS, ...PROGRESS_HEADERS },
    log: CLIENT_LOG,
  });
  return { client, mode: 'server', location: url, advertise: () => {}, close: () => client.close() };
}

function openEmbedded(dataDir: string, requestTimeoutMs: number): ClickHouse {
  const path = resolve(dataDir);
  const lock = lockDataDir(path);
  let session: Session;
  try {
    // The engine reads server configuration (the storage policy) only when it
    // starts, so a Session with --config-file must be the first to open the path.
    session = new Session(path, {
      connectionArgs: [`--config-file=${writeEmbeddedStorageConfig(path)}`, '--geotoh3_argument_order=lat_lon'],
    });
  } catch (err) {
    lock.release();
    throw new FleetlakeError('CLICKHOUSE_UNAVAILABLE', { detail: `cannot start the embedded engine on ${path}: ${errorMessage(err)}` }, { cause: err });
  }
  const client = createClient({
    // chdb types its Connection against @clickhouse/client-common, which @clickhouse/client
    // now bundles as its own copy: the same interface under two module identities.
    connection: createChdbConnection({ path }) as unknown as NonNullable<ClientConfig['connection']>,
    request_timeout: requestTimeoutMs,
    clickhouse_settings: { ...PINNED_SETTINGS, ...PROGRESS_HEADERS },
    log: CLIENT_LOG,
  });
  let closed = false;
  return {
    client,
    mode: 'embedded',
    location: path,
    advertise: (httpUrl) => lock.advertise(httpUrl),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await client.close();
      } finally {
        session.close();
        lock.release();
      }
    },
  };
}

/** Runs one query and returns its rows as objects. */
export async function queryRows<T>(client: ClickHouseClient, query: string, params: Record<string, unknown> = {}, settings: ClickHouseSettings = {}): Promise<T[]> {
  const result = await client.query({ query, query_params: params, format: 'JSONEachRow', clickhouse_settings: settings });
  return result.json<T>();
}
