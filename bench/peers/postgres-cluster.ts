import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../../broker/local-kafka.ts';

/** Debian's layout of PostgreSQL 15 (postgresql-15); PostGIS 3 comes from postgresql-15-postgis-3. */
export const PG_BIN = '/usr/lib/postgresql/15/bin';
const POSTGIS_CONTROL = '/usr/share/postgresql/15/extension/postgis.control';
export const INSTALL_SCRIPT = fileURLToPath(new URL('./install-postgis.sh', import.meta.url));
const INSTALL_COMMAND = 'sudo bash bench/peers/install-postgis.sh';

const run = promisify(execFile);

export function postgisInstalled(): boolean {
  return existsSync(join(PG_BIN, 'initdb')) && existsSync(join(PG_BIN, 'pg_ctl')) && existsSync(POSTGIS_CONTROL);
}

/**
 * Installs PostgreSQL 15 + PostGIS 3 with the project's script when they are
 * missing. The script itself refuses without root (or password-less sudo) and
 * says which command to run; that message is what this throws.
 */
export function ensurePostgis(): void {
  if (postgisInstalled()) return;
  const result = spawnSync('bash', [INSTALL_SCRIPT], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
  if (result.status !== 0 || !postgisInstalled()) {
    throw new Error(`PostgreSQL 15 + PostGIS 3 are missing and could not be installed (${result.stderr?.trim() || `exit ${result.status}`}); run '${INSTALL_COMMAND}'`);
  }
}

export interface PostgresCluster {
  readonly dataDir: string;
  readonly port: number;
  /** The unix socket's directory (inside the cluster's temporary directory). */
  readonly socketDir: string;
  /** Connection settings for `pg`: TCP on loopback, as a client on another host would connect. */
  readonly connection: pg.ClientConfig;
  /** `SELECT version()` and PostGIS's full version, for the benchmark's record. */
  versions(): Promise<{ postgres: string; postgis: string }>;
  /** Fast shutdown (active sessions are ended), then the directory is removed. Safe to call twice. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** postgresql.conf settings, written verbatim after initdb's defaults (listen address, port and socket are set here). */
  readonly settings?: Readonly<Record<string, string>>;
}

const DATABASE = 'bench';
const USER = 'bench';

/**
 * A throwaway PostgreSQL cluster with PostGIS: initdb in a fresh temporary
 * directory, a free loopback port, its unix socket in that directory, trust
 * authentication (nothing listens beyond 127.0.0.1), database `bench` with the
 * postgis extension created. PostgreSQL refuses to run as root, so under root
 * the cluster's files and processes belong to the `postgres` user the Debian
 * package creates; that is why the directory is always in the OS temp dir,
 * which every user may traverse.
 */
export async function startPostgresCluster(options: ClusterOptions = {}): Promise<PostgresCluster> {
  const root = mkdtempSync(join(tmpdir(), 'fleetlake-pg-'));
  const owner = clusterOwner();
  const dataDir = join(root, 'data');
  const as = owner ? { uid: owner.uid, gid: owner.gid } : {};
  if (owner) chownSync(root, owner.uid, owner.gid);
  let started = false;
  const remove = () => rmSync(root, { recursive: true, force: true });
  try {
    await run(join(PG_BIN, 'initdb'), ['-D', dataDir, '-U', USER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'], as);
    const conf = join(dataDir, 'postgresql.conf');
    const lines = Object.entries(options.settings ?? {}).map(([key, value]) => `${key} = ${quoteSetting(value)}`);
    // A port can be taken between the probe and the postmaster's bind; another probe then usually wins.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      writeFileSync(join(root, 'settings.conf'), [`listen_addresses = '127.0.0.1'`, `port = ${port}`, `unix_socket_directories = '${root}'`, ...lines, ''].join('\n'));
      if (owner) chownSync(join(root, 'settings.conf'), owner.uid, owner.gid);
      if (attempt === 1) appendFileSync(conf, `\ninclude '${join(root, 'settings.conf')}'\n`);
      try {
        await run(join(PG_BIN, 'pg_ctl'), ['-D', dataDir, '-l', join(root, 'postgres.log'), '-w', '-t', '60', 'start'], as);
        started = true;
        const cluster = handle(root, dataDir, port, as, remove);
        const client = new pg.Client({ ...cluster.connection, database: 'postgres' });
        await client.connect();
        try {
          await client.query(`CREATE DATABASE ${DATABASE}`);
        } finally {
          await client.end();
        }
        const bench = new pg.Client(cluster.connection);
        await bench.connect();
        try {
          await bench.query('CREATE EXTENSION postgis');
        } finally {
          await bench.end();
        }
        return cluster;
      } catch (err) {
        if (started || attempt >= 3) throw err;
      }
    }
  } catch (err) {
    if (started) await stopServer(dataDir, as);
    const log = existsSync(join(root, 'postgres.log')) ? execFileSync('tail', ['-n', '20', join(root, 'postgres.log')], { encoding: 'utf8' }) : '';
    remove();
    throw new Error(`PostgreSQL did not start: ${(err as Error).message}${log ? `\n${log}` : ''}`, { cause: err });
  }
}

function handle(root: string, dataDir: string, port: number, as: { uid?: number; gid?: number }, remove: () => void): PostgresCluster {
  let stopped: Promise<void> | undefined;
  const connection: pg.ClientConfig = { host: '127.0.0.1', port, user: USER, database: DATABASE };
  return {
    dataDir,
    port,
    socketDir: root,
    connection,
    async versions() {
      const client = new pg.Client(connection);
      await client.connect();
      try {
        const { rows } = await client.query<{ postgres: string; postgis: string }>('SELECT version() AS postgres, postgis_full_version() AS postgis');
        return rows[0]!;
      } finally {
        await client.end();
      }
    },
    stop() {
      stopped ??= stopServer(dataDir, as).finally(remove);
      return stopped;
    },
  };
}

async function stopServer(dataDir: string, as: { uid?: number; gid?: number }): Promise<void> {
  await run(join(PG_BIN, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', '-t', '60', 'stop'], as);
}

/** Under root, the Debian package's `postgres` user; otherwise the current user runs the cluster. */
function clusterOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

function quoteSetting(value: string): string {
  return /^[0-9A-Za-z_.]+$/.test(value) ? value : `'${value.replaceAll("'", "''")}'`;
}
