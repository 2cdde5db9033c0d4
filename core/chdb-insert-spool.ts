import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringLiteral } from './sql-text.ts';

/**
 * `INSERT INTO table [(columns)] [SETTINGS …] FORMAT name`: the statement a
 * @clickhouse/client insert sends, its rows following as the request's body.
 */
const INSERT_WITH_BODY = /^\s*(INSERT\s+INTO\s+[\w.`"]+(?:\s*\([^()]*\))?)\s*((?:SETTINGS\s[\s\S]*?\s)?FORMAT\s+\w+)\s*$/i;

/**
 * Where an embedded lake's connections spool insert bodies: inside its data
 * directory, which one process owns, so that the files a killed process left
 * are removed by the next one to open the lake (core/clickhouse.ts).
 */
export function insertSpoolDir(dataDir: string): string {
  return join(dataDir, 'fleetlake-inserts');
}

/** An insert whose rows wait in a file, and the statement that reads them from there. */
export interface SpooledInsert {
  readonly query: string;
  /** Removes the file; call once the statement has run, whatever its outcome. */
  release(): Promise<void>;
}

export interface InsertSpool {
  /**
   * Writes an insert's body to a file and rewrites its statement to read it
   * `FROM INFILE`. Undefined for any other statement, whose body must then be
   * sent as it is; `empty` when the body had no bytes (nothing to insert).
   */
  spool(query: string, values: Readable | string): Promise<SpooledInsert | 'empty' | undefined>;
  close(): void;
}

/**
 * Insert bodies for the embedded engine, through files. chdb/connection
 * appends a body to its statement as a JavaScript string, and the engine then
 * receives one statement of several megabytes: parsing it cost about twice
 * the CPU of reading the same TabSeparated rows by `INSERT … FROM INFILE`
 * (0.78–0.86 against 1.56 µs a position in bench:ingest's floor; the insert
 * limit 8.6 % higher; docs/ingest.md). The engine
 * reads the file in this process, as clickhouse-local does, and the statement
 * keeps its SETTINGS (the deduplication token among them) after FROM INFILE.
 * Files live in a directory of this spool's own under `parent`
 * (insertSpoolDir), one per insert, removed when the insert is done.
 */
export function createInsertSpool(parent: string): InsertSpool {
  let dir: string | undefined;
  let next = 0;
  return {
    async spool(query, values) {
      const statement = INSERT_WITH_BODY.exec(query);
      if (!statement) return undefined;
      if (!dir) {
        mkdirSync(parent, { recursive: true });
        dir = mkdtempSync(join(parent, 'connection-'));
      }
      // No extension: FROM INFILE guesses a compression from one.
      const path = join(dir, String(next++));
      if (typeof values === 'string') await writeFile(path, values);
      else await pipeline(values, createWriteStream(path));
      const release = () => rm(path, { force: true });
      if ((await stat(path)).size === 0) {
        await release();
        return 'empty';
      }
      return { query: `${statement[1]} FROM INFILE ${stringLiteral(path)} ${statement[2]}`, release };
    },
    close() {
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    },
  };
}
