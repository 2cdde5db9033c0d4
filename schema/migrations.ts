import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitStatements } from '../core/sql-text.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration {
  /** File name, e.g. `0001_positions.sql`; the order is the name's order. */
  readonly name: string;
  readonly checksum: string;
  readonly statements: readonly string[];
}

/** Reads the ordered `.sql` migrations of a directory. */
export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((name) => /^\d{4}_[a-z0-9_]+\.sql$/.test(name))
    .sort()
    .map((name) => {
      const text = readFileSync(join(dir, name), 'utf8');
      return { name, checksum: createHash('sha256').update(text).digest('hex'), statements: splitStatements(text) };
    });
}
