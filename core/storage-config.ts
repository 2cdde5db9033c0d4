import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The server's storage policy, the one source for both modes. */
export const STORAGE_POLICY_FILE = fileURLToPath(new URL('../schema/clickhouse/config.d/storage-policy.xml', import.meta.url));

const SERVER_DISK_ROOT = '/var/lib/clickhouse/disks/';

/**
 * Writes the storage policy for an embedded data directory (disk paths moved
 * under it) and returns the file's path, for `--config-file`.
 */
export function writeEmbeddedStorageConfig(dataDir: string): string {
  const root = resolve(dataDir);
  const diskRoot = join(root, 'disks') + '/';
  const xml = readFileSync(STORAGE_POLICY_FILE, 'utf8');
  if (!xml.includes(SERVER_DISK_ROOT)) {
    throw new Error(`${STORAGE_POLICY_FILE} no longer places its disks under ${SERVER_DISK_ROOT}; update core/storage-config.ts`);
  }
  const rendered = xml.replaceAll(SERVER_DISK_ROOT, diskRoot);
  mkdirSync(diskRoot, { recursive: true });
  const target = join(root, 'fleetlake-storage.xml');
  writeFileSync(target, rendered);
  return target;
}
