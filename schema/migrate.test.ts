import { cpSync, mkdtempSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../core/clickhouse.ts';
import { isFleetlakeError } from '../core/errors.ts';
import { openTestLake, type TestLake } from '../test-support/lake.ts';
import { migrate } from './migrate.ts';
import { MIGRATIONS_DIR, readMigrations } from './migrations.ts';

describe('fleetlake migrate', () => {
  let lake: TestLake;
  beforeAll(async () => {
    lake = await openTestLake();
  });
  afterAll(async () => lake.dispose());

  it('creates fleet.positions keyed by H3 cell and time', async () => {
    const [table] = await queryRows<{ sorting_key: string; storage_policy: string }>(
      lake.ch.client,
      "SELECT sorting_key, storage_policy FROM system.tables WHERE database = 'fleet' AND name = 'positions'",
    );
    expect(table?.sorting_key).toBe('h3_cell, toStartOfHour(ts), vehicle_id, ts');
    expect(table?.storage_policy).toBe('fleet_tiered');
  });

  it('records every migration with its checksum and changes nothing when run again', async () => {
    const again = await migrate(lake.ch.client, lake.config);
    expect(again.applied).toEqual([]);
    expect(again.retentionChanged).toBe(false);
    const recorded = await queryRows<{ name: string; checksum: string }>(lake.ch.client, 'SELECT name, checksum FROM fleet.schema_migrations ORDER BY name');
    expect(recorded).toEqual(readMigrations().map((m) => ({ name: m.name, checksum: m.checksum })));
  });

  it('refuses an applied migration whose file was edited, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetlake-migrations-'));
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    const [first] = readMigrations(dir);
    appendFileSync(join(dir, first!.name), '\n-- an innocent-looking edit\n');
    const error = await migrate(lake.ch.client, lake.config, readMigrations(dir)).catch((e: unknown) => e);
    expect(isFleetlakeError(error, 'MIGRATION_CHECKSUM_MISMATCH')).toBe(true);
    expect((error as Error).message).toContain(first!.name);
    expect((error as Error).message).toContain('add a new migration');
  });

  it('refuses a lake that records a migration this version does not know', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetlake-migrations-'));
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    writeFileSync(join(dir, '9999_future.sql'), 'SELECT 1');
    await migrate(lake.ch.client, lake.config, readMigrations(dir));
    const error = await migrate(lake.ch.client, lake.config, readMigrations()).catch((e: unknown) => e);
    expect(isFleetlakeError(error, 'MIGRATION_UNKNOWN')).toBe(true);
    await lake.ch.client.command({ query: "DELETE FROM fleet.schema_migrations WHERE name = '9999_future.sql'" });
  });

  it('applies a changed retention to the existing table', async () => {
    const changed = await migrate(lake.ch.client, { ...lake.config, retention: { ...lake.config.retention, hot: { value: 14, unit: 'd', ms: 14 * 86_400_000, text: '14d' } } });
    expect(changed.retentionChanged).toBe(true);
    const [table] = await queryRows<{ engine_full: string }>(lake.ch.client, "SELECT engine_full FROM system.tables WHERE database = 'fleet' AND name = 'positions'");
    expect(table?.engine_full).toContain('toIntervalDay(14)');
    expect((await migrate(lake.ch.client, lake.config)).retentionChanged).toBe(true);
  });

  it('sets the raw frame archive TTL from gateway.raw_retention, and fleet.device_frames drops frames older than it', async () => {
    const { client } = lake.ch;
    const week = { value: 7, unit: 'd', ms: 7 * 86_400_000, text: '7d' } as const;
    const changed = await migrate(client, { ...lake.config, gateway: { ...lake.config.gateway, raw_retention: week } });
    expect(changed.retentionSet).toEqual(['gateway.raw_retention 7d']);
    const [table] = await queryRows<{ engine_full: string }>(client, "SELECT engine_full FROM system.tables WHERE database = 'fleet' AND name = 'device_frames'");
    expect(table?.engine_full).toContain('TTL toDateTime(received_at) + toIntervalDay(7)');

    const frame = (device: string, ageDays: number) => ({
      received_at: new Date(Date.now() - ageDays * 86_400_000).toISOString().replace('T', ' ').replace('Z', ''),
      device_id: device, protocol: 'teltonika', remote: '127.0.0.1:1', outcome: 'ok', detail: '', positions: 1, frame: 'x',
    });
    // One insert per age: a part whose rows all expired is dropped whole (ttl_only_drop_parts).
    await client.insert({ table: 'fleet.device_frames', values: [frame('imei-fresh', 1)], format: 'JSONEachRow' });
    await client.insert({ table: 'fleet.device_frames', values: [frame('imei-old', 8)], format: 'JSONEachRow' });
    await client.command({ query: 'ALTER TABLE fleet.device_frames MATERIALIZE TTL', clickhouse_settings: { mutations_sync: '2' } });
    await client.command({ query: 'OPTIMIZE TABLE fleet.device_frames FINAL' });
    expect(await queryRows(client, 'SELECT device_id FROM fleet.device_frames ORDER BY device_id')).toEqual([{ device_id: 'imei-fresh' }]);

    const back = await migrate(client, lake.config);
    expect(back.retentionSet).toEqual(['gateway.raw_retention 90d']);
    await client.command({ query: 'TRUNCATE TABLE fleet.device_frames' });
  });
});
