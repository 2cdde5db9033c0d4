import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../core/clickhouse.ts';
import type { Position } from '../core/position.ts';
import { openTestLake, type TestLake } from '../test-support/lake.ts';
import { createClickHouseWriter } from './clickhouse-writer.ts';
import { createTsvBody } from './encode-batch.ts';

/** The optional device fields reach their columns of fleet.positions (migration 0020) in the real embedded engine. */
describe('device fields in fleet.positions', () => {
  let lake: TestLake;
  beforeAll(async () => {
    lake = await openTestLake();
  });
  afterAll(async () => {
    await lake?.dispose();
  });

  it('are stored as sent, and NULL / empty where a producer sent none', async () => {
    const T = Date.UTC(2026, 11, 6, 10);
    const device: Position = {
      vehicle_id: 'truck-12', ts_ms: T, lat: -33.86882, lon: 151.20929, speed_kmh: 54, heading_deg: 0, vehicle_type: 'truck',
      altitude_m: -12, satellites: 11, ignition: true, movement: false, odometer_m: 9_007_199_254_740_991, external_voltage_mv: 12_880,
      battery_voltage_mv: 4100, gsm_signal: 4, device_id: '356307042441013', attributes: { io1: 1, io385: 'beef', on: false },
    };
    const plain: Position = { vehicle_id: 'v-1', ts_ms: T, lat: 45.5, lon: -73.6, speed_kmh: 10, heading_deg: 90, vehicle_type: 'car' };
    const body = createTsvBody();
    body.add(device);
    body.add(plain);
    await createClickHouseWriter(lake.ch.client).insertPositions('device-fields-1', body.bytes(), body.columns);
    const rows = await queryRows<Record<string, unknown>>(
      lake.ch.client,
      `SELECT vehicle_id, altitude_m, satellites, ignition, movement, toString(odometer_m) AS odometer_m, external_voltage_mv, battery_voltage_mv,
              gsm_signal, device_id, attributes FROM fleet.positions ORDER BY vehicle_id`,
    );
    expect(rows).toEqual([
      {
        vehicle_id: 'truck-12', altitude_m: -12, satellites: 11, ignition: true, movement: false, odometer_m: '9007199254740991',
        external_voltage_mv: 12_880, battery_voltage_mv: 4100, gsm_signal: 4, device_id: '356307042441013', attributes: { io1: '1', io385: 'beef', on: 'false' },
      },
      {
        vehicle_id: 'v-1', altitude_m: null, satellites: null, ignition: null, movement: null, odometer_m: null,
        external_voltage_mv: null, battery_voltage_mv: null, gsm_signal: null, device_id: '', attributes: {},
      },
    ]);
  });
});
