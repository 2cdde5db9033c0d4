import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestLake, type TestLake } from '../test-support/lake.ts';
import { startS3Server, type S3Server } from '../test-support/s3-server.ts';
import { queryRows } from './clickhouse.ts';
import { loadConfig } from './config.ts';
import { configuredColdS3, renderServerS3StorageConfig, S3_STORAGE_POLICY_FILE } from './storage-config.ts';

const DAY = 86_400_000;
const BUCKET = 'fleetlake-cold-test';

describe('the cold volume on object storage: configuration', () => {
  it('keeps the server variant generated from the one storage policy', () => {
    expect(renderServerS3StorageConfig(), `${S3_STORAGE_POLICY_FILE} is stale: regenerate it with renderServerS3StorageConfig()`).toBe(readFileSync(S3_STORAGE_POLICY_FILE, 'utf8'));
  });

  it('builds the disk URL from endpoint, bucket and prefix', () => {
    const config = loadConfig({ env: { FLEETLAKE_COLD_S3_ENDPOINT: 'http://s3.local:9000', FLEETLAKE_COLD_S3_BUCKET: 'lake', FLEETLAKE_COLD_S3_ACCESS_KEY_ID: 'k' } });
    expect(configuredColdS3(config.storage)).toEqual({
      url: { value: 'http://s3.local:9000/lake/fleetlake/cold/' },
      accessKeyId: { value: 'k' },
      secretAccessKey: { value: '' },
      region: { value: 'us-east-1' },
    });
    expect(configuredColdS3(loadConfig({ env: {} }).storage)).toBeUndefined();
  });

  it('refuses an endpoint without a bucket, saying which key to set', () => {
    expect(() => loadConfig({ env: { FLEETLAKE_COLD_S3_ENDPOINT: 'http://s3.local:9000' } })).toThrow(
      'config: storage.cold_s3_endpoint is set, so storage.cold_s3_bucket (FLEETLAKE_COLD_S3_BUCKET) must name a bucket',
    );
  });
});

/** The embedded engine loads the S3 disk and tiers onto a real S3-compatible server (moto, from PyPI). */
describe('the cold volume on object storage: hot to cold and delete, for real', () => {
  let s3: S3Server;
  let lake: TestLake;
  beforeAll(async () => {
    s3 = await startS3Server([BUCKET]);
    lake = await openTestLake({
      storage: { cold_s3_endpoint: s3.endpoint, cold_s3_bucket: BUCKET, cold_s3_access_key_id: 'test', cold_s3_secret_access_key: 'secret' },
    });
  }, 240_000);
  afterAll(async () => {
    await lake?.dispose();
    await s3?.stop();
  });

  it('loads the S3 disk into the storage policy, in a config file only its owner reads', async () => {
    const disks = await queryRows<{ name: string; type: string }>(lake.ch.client, "SELECT name, toString(type) AS type FROM system.disks WHERE name IN ('hot', 'cold') ORDER BY name");
    expect(disks).toEqual([{ name: 'cold', type: 'ObjectStorage' }, { name: 'hot', type: 'Local' }]);
    expect(statSync(join(lake.dataDir, 'fleetlake-storage.xml')).mode & 0o077).toBe(0);
  });

  it('moves rows past the hot period into the bucket, deletes rows past the retention, and reads them back', async () => {
    const { client } = lake.ch;
    const row = (vehicle: string, ageMs: number) => ({
      vehicle_id: vehicle, ts: new Date(Date.now() - ageMs).toISOString().replace('T', ' ').replace('Z', ''),
      lat: 45.5, lon: -73.56, speed_kmh: 12.5, heading_deg: 90, vehicle_type: 'van',
    });
    for (const [vehicle, age] of [['v-fresh', DAY], ['v-warm', 90 * DAY], ['v-expired', 8 * 366 * DAY]] as const) {
      await client.insert({ table: 'fleet.positions', values: [row(vehicle, age)], format: 'JSONEachRow' });
    }
    await client.command({ query: 'ALTER TABLE fleet.positions MATERIALIZE TTL', clickhouse_settings: { mutations_sync: '2' } });
    await client.command({ query: 'OPTIMIZE TABLE fleet.positions FINAL' });

    expect(await queryRows(client, 'SELECT vehicle_id, _disk_name AS disk FROM fleet.positions ORDER BY vehicle_id')).toEqual([
      { vehicle_id: 'v-fresh', disk: 'hot' },
      { vehicle_id: 'v-warm', disk: 'cold' },
    ]);
    const objects = await s3.listObjects(BUCKET);
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.every((key) => key.startsWith('fleetlake/cold/'))).toBe(true);
  });
});
