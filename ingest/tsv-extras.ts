import type { Position } from '../core/position.ts';
import { BOOLEAN_EXTRAS, INTEGER_EXTRAS } from '../core/position-extras.ts';

/** The stored columns of the optional device fields, in the order `tsvExtras` writes them (schema/migrations/0020). */
export const EXTRA_COLUMNS = [...INTEGER_EXTRAS.map(([name]) => name), ...BOOLEAN_EXTRAS, 'device_id', 'attributes'] as const;

/** What a position without device fields writes: NULLs, an empty id, an empty map. */
export const NO_EXTRAS = `${'\t\\N'.repeat(INTEGER_EXTRAS.length + BOOLEAN_EXTRAS.length)}\t\t{}`;

/** Whether a position carries any device field. */
export function hasExtras(p: Position): boolean {
  if (p.device_id !== undefined || p.attributes !== undefined || p.satellites !== undefined || p.altitude_m !== undefined || p.ignition !== undefined || p.movement !== undefined) return true;
  for (const [name] of INTEGER_EXTRAS) if (p[name] !== undefined) return true;
  return false;
}

/**
 * The TabSeparated tail of one line: the device fields, each after a tab.
 * Strings need no escaping: core/position-extras.ts only accepts ids, names
 * and texts without tabs, quotes or backslashes.
 */
export function tsvExtras(p: Position): string {
  if (!hasExtras(p)) return NO_EXTRAS;
  let out = '';
  for (const [name] of INTEGER_EXTRAS) out += p[name] === undefined ? '\t\\N' : `\t${p[name]}`;
  for (const name of BOOLEAN_EXTRAS) out += p[name] === undefined ? '\t\\N' : `\t${p[name]}`;
  out += `\t${p.device_id ?? ''}\t{`;
  let first = true;
  for (const [key, value] of Object.entries(p.attributes ?? {})) {
    out += `${first ? '' : ','}'${key}':'${String(value)}'`;
    first = false;
  }
  return `${out}}`;
}
