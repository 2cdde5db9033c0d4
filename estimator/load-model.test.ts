import { describe, expect, it } from 'vitest';
import { computeLoad } from './load-model.ts';
import { fixedCalibration, scenarioOf } from './test-fixtures.ts';

const calibration = fixedCalibration(20, 50_000);

describe('load model: events, broker, ClickHouse rows and ingest sizing', () => {
  it('10,000 vehicles every 5 s at full activity: 2,000 events/s and 172.8 M rows a day', () => {
    const s = scenarioOf({ vehicles: 10_000, report_interval: '5s', message_size: 200 });
    const load = computeLoad(s, calibration, 10_000);
    expect(load.events_per_second_avg).toBe(2000);
    expect(load.events_per_second_peak).toBe(2000);
    expect(load.messages_per_day).toBe(172_800_000);
    expect(load.rows_per_day).toBe(172_800_000);
    expect(load.broker_bytes_per_day).toBe(34_560_000_000);
    // 7 days × 172.8 M messages × 200 B × 3 replicas
    expect(load.broker_disk_bytes).toBe(725_760_000_000);
    expect(load.clickhouse_bytes_per_day).toBe(3_456_000_000);
  });

  it('working hours lower the average but not the peak; the broker holds the busy hours', () => {
    const s = scenarioOf({ vehicles: 10_000, report_interval: '5s', active_hours_per_day: 10, active_days_per_week: 5, message_size: 200 });
    const load = computeLoad(s, calibration, 10_000);
    expect(load.events_per_second_avg).toBeCloseTo((2000 * 10 * 5) / (24 * 7), 9);
    expect(load.events_per_second_peak).toBe(2000);
    // A week of retention holds exactly five 10-hour days at 2,000/s.
    expect(load.broker_messages_held).toBeCloseTo(5 * 10 * 3600 * 2000, 3);

    const oneHour = computeLoad(scenarioOf({ vehicles: 10_000, active_hours_per_day: 10, active_days_per_week: 5, broker_retention: '1h' }), calibration, 10_000);
    expect(oneHour.broker_messages_held).toBe(2000 * 3600);
  });

  it('sizes ingest processes and partitions from the measured per-process rate with headroom', () => {
    const s = scenarioOf({ vehicles: 100_000, report_interval: '1s', headroom: '50%', partitions_per_process: 2, batch_max_wait: '1s' });
    const load = computeLoad(s, calibration, 100_000);
    expect(load.ingest_capacity_needed).toBe(150_000);
    expect(load.ingest_processes).toBe(3);
    expect(load.topic_partitions).toBe(6);
    // 100,000/s over 3 processes fill 33,333 rows in the 1 s wait, before the 50,000-row limit.
    expect(load.rows_per_insert).toBeCloseTo(100_000 / 3, 6);
    expect(load.inserts_per_day).toBeCloseTo(3 * 86_400, 6);
  });

  it('a batch closes at the row limit, the byte limit or the wait, whichever comes first', () => {
    const byRows = computeLoad(scenarioOf({ vehicles: 400_000, report_interval: '1s', batch_rows: 50_000 }), fixedCalibration(20, 1_000_000), 400_000);
    expect(byRows.ingest_processes).toBe(1);
    expect(byRows.rows_per_insert).toBe(50_000);
    expect(byRows.inserts_per_day).toBe((400_000 * 86_400) / 50_000);

    const byBytes = computeLoad(scenarioOf({ vehicles: 400_000, report_interval: '1s', message_size: '1KB', batch_bytes: '1MB' }), fixedCalibration(20, 1_000_000), 400_000);
    expect(byBytes.rows_per_insert).toBe(1000);

    const byWait = computeLoad(scenarioOf({ vehicles: 10_000, report_interval: '5s', batch_max_wait: '1s' }), calibration, 10_000);
    expect(byWait.rows_per_insert).toBe(2000);
    expect(byWait.inserts_per_day).toBe(86_400);
  });

  it('an empty fleet needs nothing', () => {
    const load = computeLoad(scenarioOf({ vehicles: 0 }), calibration, 0);
    expect(load.events_per_second_avg).toBe(0);
    expect(load.ingest_processes).toBe(0);
    expect(load.inserts_per_day).toBe(0);
    expect(load.broker_disk_bytes).toBe(0);
  });
});
