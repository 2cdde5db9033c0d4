import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FleetlakeError } from './errors.ts';

export interface DataDirLock {
  release(): void;
}

/**
 * One process owns one embedded data directory. The engine would otherwise let
 * two processes write the same parts; we refuse the second with a message that
 * says who owns it and how to reach the lake instead.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const lockPath = join(dir, 'fleetlake.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          rmSync(lockPath, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(lockPath, 'utf8').trim());
      if (owner === process.pid) {
        throw new FleetlakeError('EMBEDDED_DATA_DIR_BUSY', { detail: `embedded data directory ${dir} is already open in this process` });
      }
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new FleetlakeError('EMBEDDED_DATA_DIR_BUSY', {
          detail:
            `embedded data directory ${dir} is owned by running process ${owner}. One process owns an embedded lake: ` +
            `reach it through that process (e.g. CLICKHOUSE_URL=http://127.0.0.1:3000/clickhouse when it is 'fleetlake start'), ` +
            `or use another FLEETLAKE_DATA_DIR.`,
        });
      }
      rmSync(lockPath, { force: true }); // stale: its owner died without releasing it
    }
  }
  throw new FleetlakeError('EMBEDDED_DATA_DIR_BUSY', { detail: `could not lock embedded data directory ${dir}` });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
