import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../core/clickhouse.ts';
import { openTestLake, type TestLake } from '../test-support/lake.ts';

const DAY = 86_400_000;
const row = (vehicle: string, ageMs: number) => ({
  vehicle_id: vehicle,
  ts: new Date(Date.now() - ageMs).toISOString().replace('T', ' ').replace('Z', ''),
  lat: 45.5,
  lon: -73.56,
  speed_kmh: 12.5,
  heading_deg: 90,
  vehicle_type: 'van',
});

describe('retention: hot/cold tiering and deletion by TTL', () => {
  let lake: TestLake;
  beforeAll(async () => {
    lake = await openTestLake();
  });
  afterAll(async () => lake.dispose());

  it('moves rows past the hot period to the cold disk and deletes rows past the retention', async () => {
    const { client } = lake.ch;
    // One insert per age, so each lands in its own monthly partition.
    await client.insert({ table: 'fleet.positions', values: [row('v-fresh', DAY)], format: 'JSONEachRow' });
    await client.insert({ table: 'fleet.positions', values: [row('v-warm', 90 * DAY)], format: 'JSONEachRow' });
    await client.insert({ table: 'fleet.positions', values: [row('v-expired', 8 * 366 * DAY)], format: 'JSONEachRow' });

    await client.command({ query: 'ALTER TABLE fleet.positions MATERIALIZE TTL', clickhouse_settings: { mutations_sync: '2' } });
    await client.command({ query: 'OPTIMIZE TABLE fleet.positions FINAL' });

    const parts = await queryRows<{ vehicle_id: string; disk: string }>(
      client,
      `SELECT vehicle_id, _disk_name AS disk FROM fleet.positions ORDER BY vehicle_id`,
    );
    expect(parts).toEqual([
      { vehicle_id: 'v-fresh', disk: 'hot' },
      { vehicle_id: 'v-warm', disk: 'cold' },
    ]);
  });
});
