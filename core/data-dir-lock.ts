import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FleetlakeError } from './errors.ts';

export interface DataDirLock {
  /** Publishes where the owner serves the lake over ClickHouse's HTTP interface, for other processes. */
  advertise(httpUrl: string): void;
  release(): void;
}

export interface DataDirOwner {
  readonly pid: number;
  /** The owner's read-only ClickHouse HTTP endpoint, when it serves one. */
  readonly http?: string;
}

/**
 * One process owns one embedded data directory. The engine would otherwise let
 * two processes write the same parts; the second is refused with a message
 * that says who owns it and how to reach the lake instead.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const lockPath = join(dir, 'fleetlake.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid }));
      closeSync(fd);
      let released = false;
      return {
        advertise(http) {
          if (!released) writeFileSync(lockPath, JSON.stringify({ pid: process.pid, http }));
        },
        release() {
          if (released) return;
          released = true;
          rmSync(lockPath, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = readOwner(lockPath);
      if (owner?.pid === process.pid) {
        throw new FleetlakeError('EMBEDDED_DATA_DIR_BUSY', { detail: `embedded data directory ${dir} is already open in this process: open it once and share that client (core/clickhouse.ts)` });
      }
      if (owner && isAlive(owner.pid)) throw new DataDirBusyError(dir, owner);
      rmSync(lockPath, { force: true }); // stale: its owner died without releasing it
    }
  }
  throw new FleetlakeError('EMBEDDED_DATA_DIR_BUSY', { detail: `could not lock embedded data directory ${dir}: another process took ${lockPath} while a stale lock was being cleared; retry, or use another FLEETLAKE_DATA_DIR` });
}

export class DataDirBusyError extends FleetlakeError {
  readonly owner: DataDirOwner;

  constructor(dir: string, owner: DataDirOwner) {
    const reach = owner.http
      ? `query it through its read-only ClickHouse HTTP interface (CLICKHOUSE_URL=${owner.http})`
      : 'stop it, or reach the lake through that process';
    super('EMBEDDED_DATA_DIR_BUSY', {
      detail: `embedded data directory ${dir} is owned by running process ${owner.pid} (one process owns an embedded lake): ${reach}, or use another FLEETLAKE_DATA_DIR`,
    });
    this.owner = owner;
  }
}

function readOwner(lockPath: string): DataDirOwner | undefined {
  try {
    const value = JSON.parse(readFileSync(lockPath, 'utf8')) as Partial<DataDirOwner>;
    return Number.isInteger(value.pid) && (value.pid ?? 0) > 0 ? { pid: value.pid!, http: typeof value.http === 'string' ? value.http : undefined } : undefined;
  } catch {
    return undefined; // unreadable or half-written: treated as stale
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
