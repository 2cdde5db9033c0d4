import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ClickHouseClient } from '../../core/clickhouse.ts';
import { createApiKey, isActive, listApiKeys } from './api-key-store.ts';
import { SCOPES } from './scopes.ts';

export const FIRST_ADMIN_KEY_NAME = 'admin';

/**
 * A deployment's first key, so a fresh stack is usable without a shell in a
 * container: created when `file` does not exist and no active key has the
 * admin scope, and written to `file` readable by its owner only. Once an
 * operator has other admin keys, deleting the file brings no new one back.
 * Returns whether it created one.
 */
export async function createFirstAdminKey(client: ClickHouseClient, file: string, now = Date.now()): Promise<boolean> {
  if (existsSync(file)) return false;
  if ((await listApiKeys(client)).some((k) => k.scopes.includes('admin') && isActive(k, now))) return false;
  mkdirSync(dirname(file), { recursive: true });
  const { key } = await createApiKey(client, { name: FIRST_ADMIN_KEY_NAME, scopes: SCOPES, now });
  // wx: never overwrite a key someone else wrote in the meantime.
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return true;
}
