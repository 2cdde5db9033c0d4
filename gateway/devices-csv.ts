import { FleetlakeError } from '../core/errors.ts';
import { checkDevice, type DeviceEntry } from './device-store.ts';

const HEADER = ['device_id', 'vehicle_id', 'vehicle_type', 'enabled'];
const TRUE = new Set(['', 'true', '1', 'yes']);
const FALSE = new Set(['false', '0', 'no']);

/**
 * Reads `devices import` CSV: `device_id,vehicle_id[,vehicle_type[,enabled]]`
 * per line, with or without that header line; blank lines and `#` comments
 * are skipped. The whole file is checked before anything is written: a bad
 * line fails the import naming its number.
 */
export function parseDevicesCsv(text: string, path: string): DeviceEntry[] {
  const entries: DeviceEntry[] = [];
  const seen = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    const number = i + 1;
    if (line === '' || line.startsWith('#')) continue;
    const cells = line.split(',').map((c) => c.trim());
    if (entries.length === 0 && seen.size === 0 && cells[0] === HEADER[0]) {
      if (cells.some((c, k) => c !== HEADER[k])) throw invalid(path, number, `the header must be ${HEADER.join(',')} (the last two optional)`);
      continue;
    }
    if (cells.length < 2 || cells.length > 4) throw invalid(path, number, `expected device_id,vehicle_id[,vehicle_type[,enabled]], got ${cells.length} field(s)`);
    const [device_id = '', vehicle_id = '', vehicle_type = '', enabledText = ''] = cells;
    const enabled = enabledText.toLowerCase();
    if (!TRUE.has(enabled) && !FALSE.has(enabled)) throw invalid(path, number, `enabled ${JSON.stringify(enabledText)} must be true or false`);
    const entry = { device_id, vehicle_id, vehicle_type, enabled: TRUE.has(enabled) };
    const problem = checkDevice(entry);
    if (problem) throw invalid(path, number, problem);
    const earlier = seen.get(device_id);
    if (earlier !== undefined) throw invalid(path, number, `device ${device_id} is already on line ${earlier}`);
    seen.set(device_id, number);
    entries.push(entry);
  }
  return entries;
}

const invalid = (path: string, line: number, detail: string) => new FleetlakeError('DEVICE_IMPORT_INVALID', { path, line, detail });
