import type { ClickHouseClient } from '../../core/clickhouse.ts';
import { queryRows } from '../../core/clickhouse.ts';
import { FleetlakeError } from '../../core/errors.ts';
import type { MultiPolygonCoords } from '../../core/geojson.ts';
import { TABLES } from '../../core/names.ts';
import { dateTimeParam } from '../param-text.ts';
import { createKeySecret, secretMatches, splitKey } from './key-secret.ts';
import { isScope, type Scope } from './scopes.ts';

/** An API key as the API sees it once its secret checked out. */
export interface ApiKey {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly Scope[];
  /** The key sees only this group's vehicles; undefined: every vehicle. */
  readonly vehicleGroup?: string;
  /** The key sees only positions inside this area; undefined: everywhere. */
  readonly area?: MultiPolygonCoords;
  readonly createdAt: number;
  readonly expiresAt?: number;
  readonly revokedAt?: number;
}

interface KeyRow {
  id: string;
  name: string;
  salt: string;
  hash: string;
  scopes: string[];
  vehicle_group: string;
  area: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

const COLUMNS = 'id, name, salt, hash, scopes, vehicle_group, area, created_at, expires_at, revoked_at';

export interface NewKeyOptions {
  readonly name: string;
  readonly scopes: readonly Scope[];
  readonly expiresAt?: number;
  readonly vehicleGroup?: string;
  readonly area?: MultiPolygonCoords;
  readonly now?: number;
}

/** Stores a new key and returns it with its secret, the only time the secret exists outside the caller's hands. */
export async function createApiKey(client: ClickHouseClient, options: NewKeyOptions): Promise<{ key: string; record: ApiKey }> {
  const now = options.now ?? Date.now();
  const active = (await listApiKeys(client)).filter((k) => k.name === options.name && isActive(k, now));
  if (active.length > 0) throw new FleetlakeError('USAGE', { detail: `an active API key is already named ${options.name}: revoke it first or pick another name` });
  const secret = await createKeySecret();
  const record: ApiKey = {
    id: secret.id,
    name: options.name,
    scopes: options.scopes,
    createdAt: now,
    ...(options.expiresAt !== undefined ? { expiresAt: options.expiresAt } : {}),
    ...(options.vehicleGroup ? { vehicleGroup: options.vehicleGroup } : {}),
    ...(options.area ? { area: options.area } : {}),
  };
  await writeRow(client, record, secret.salt, secret.hash, now);
  return { key: secret.key, record };
}

/** Every key, newest first, without secrets. */
export async function listApiKeys(client: ClickHouseClient): Promise<ApiKey[]> {
  const rows = await queryRows<KeyRow>(client, `SELECT ${COLUMNS} FROM ${TABLES.apiKeys} FINAL ORDER BY created_at DESC, name`);
  return rows.map(toApiKey);
}

/** Revokes the active keys with this name or id; returns them. */
export async function revokeApiKey(client: ClickHouseClient, nameOrId: string, now = Date.now()): Promise<ApiKey[]> {
  const rows = await queryRows<KeyRow>(
    client,
    `SELECT ${COLUMNS} FROM ${TABLES.apiKeys} FINAL WHERE (name = {key:String} OR id = {key:String}) AND revoked_at IS NULL`,
    { key: nameOrId },
  );
  const revoked: ApiKey[] = [];
  for (const row of rows) {
    const record = { ...toApiKey(row), revokedAt: now };
    await writeRow(client, record, row.salt, row.hash, now);
    revoked.push(record);
  }
  return revoked;
}

/** The key a bearer token names, when its secret matches; says nothing about expiry or revocation (see isActive). */
export async function findApiKey(client: ClickHouseClient, token: string): Promise<ApiKey | undefined> {
  const parts = splitKey(token);
  if (!parts) return undefined;
  const [row] = await queryRows<KeyRow>(client, `SELECT ${COLUMNS} FROM ${TABLES.apiKeys} FINAL WHERE id = {id:String}`, { id: parts.id });
  if (!row || !(await secretMatches(parts.secret, row.salt, row.hash))) return undefined;
  return toApiKey(row);
}

export function isActive(key: ApiKey, now: number): boolean {
  return key.revokedAt === undefined && (key.expiresAt === undefined || key.expiresAt > now);
}

async function writeRow(client: ClickHouseClient, key: ApiKey, salt: string, hash: string, now: number): Promise<void> {
  const time = (ms: number | undefined) => (ms === undefined ? null : dateTimeParam(ms));
  await client.insert({
    table: TABLES.apiKeys,
    values: [
      {
        id: key.id,
        name: key.name,
        salt,
        hash,
        scopes: key.scopes,
        vehicle_group: key.vehicleGroup ?? '',
        area: key.area ? JSON.stringify(key.area) : '',
        created_at: time(key.createdAt),
        expires_at: time(key.expiresAt),
        revoked_at: time(key.revokedAt),
        // Microseconds: a revocation in the same millisecond as the creation still wins.
        version: now * 1000 + (key.revokedAt === undefined ? 0 : 1),
      },
    ],
    format: 'JSONEachRow',
  });
}

function toApiKey(row: KeyRow): ApiKey {
  const ms = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes.filter(isScope),
    createdAt: ms(row.created_at),
    ...(row.expires_at ? { expiresAt: ms(row.expires_at) } : {}),
    ...(row.revoked_at ? { revokedAt: ms(row.revoked_at) } : {}),
    ...(row.vehicle_group ? { vehicleGroup: row.vehicle_group } : {}),
    ...(row.area ? { area: JSON.parse(row.area) as MultiPolygonCoords } : {}),
  };
}
