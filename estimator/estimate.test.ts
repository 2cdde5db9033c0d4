import { describe, expect, it } from 'vitest';
import { renderEstimateCsv } from './estimate-csv.ts';
import { renderEstimateTable } from './estimate-table.ts';
import { estimate } from './estimate.ts';
import { fixedCalibration, scenarioOf } from './test-fixtures.ts';

const calibration = fixedCalibration(20, 50_000);
const tenThousand = () => estimate(scenarioOf({ vehicles: 10_000, report_interval: '5s', message_size: 200 }), calibration);

describe('estimate: the assembled result and its three renderings', () => {
  it('keeps the documented JSON keys (docs/estimator.md; changing them breaks consumers)', () => {
    const e = tenThousand();
    expect(Object.keys(e)).toEqual([
      'currency',
      'vehicles',
      'events_per_second_avg',
      'events_per_second_peak',
      'messages_per_day',
      'broker_bytes_per_message',
      'broker_bytes_per_day',
      'broker_messages_held',
      'broker_disk_bytes',
      'rows_per_day',
      'bytes_per_row',
      'clickhouse_bytes_per_day',
      'ingest_rows_per_second_per_process',
      'ingest_capacity_needed',
      'ingest_processes',
      'topic_partitions',
      'rows_per_insert',
      'inserts_per_day',
      'new_partitions_per_day',
      'partitions_held',
      'area_query',
      'long_area_queries',
      'cluster',
      'storage_bytes_by_year',
      'cost_by_year',
      'monthly_cost',
      'yearly_cost',
      'monthly_cost_total',
      'yearly_cost_total',
      'inputs',
      'calibration',
    ]);
    expect(Object.keys(e.storage_bytes_by_year[0] ?? {})).toEqual(['year', 'vehicles', 'events_per_second_avg', 'rows_per_day', 'rows_hot', 'rows_cold', 'hot_bytes', 'cold_bytes', 'total_bytes']);
    expect(Object.keys(e.cost_by_year[0]?.monthly ?? {})).toEqual(['hot_disk', 'cold_storage', 'broker_disk', 'compute', 'total']);
  });

  it('headline figures: load at the largest fleet, costs at full retention, partitions for 7 years', () => {
    const e = tenThousand();
    expect(e.events_per_second_avg).toBe(2000);
    expect(e.rows_per_day).toBe(172_800_000);
    expect(e.bytes_per_row).toBe(20);
    expect(e.storage_bytes_by_year).toHaveLength(7);
    expect(e.monthly_cost_total).toBe(e.cost_by_year[6]?.monthly.total);
    expect(e.yearly_cost_total).toBe(e.cost_by_year[6]?.yearly.total);
    // 7 years = 84 months, plus the month being written.
    expect(e.partitions_held).toBe(85);
    expect(e.new_partitions_per_day).toBeCloseTo(12 / 365.25, 12);
    expect(e.inputs).toMatchObject({ vehicles: [10_000], report_interval: '5s', hot_period: '30d', retention: '7y', message_size: 200 });

    const growing = estimate(scenarioOf({ vehicles: [1000, 5000, 2000] }), calibration);
    expect(growing.vehicles).toBe(5000);
    expect(growing.storage_bytes_by_year.map((y) => y.vehicles)).toEqual([1000, 5000, 2000, 2000, 2000, 2000, 2000]);
  });

  it('CSV: one figure per line, nested keys dotted, years in their own column', () => {
    const csv = renderEstimateCsv(tenThousand()).split('\n');
    expect(csv[0]).toBe('key,year,value');
    expect(csv).toContain('events_per_second_avg,,2000');
    expect(csv).toContain('rows_per_day,,172800000');
    expect(csv).toContain('area_query.rows_per_hour_peak,,7200000');
    expect(csv).toContain(`storage_bytes_by_year.hot_bytes,1,${30 * 172_800_000 * 20}`);
    expect(csv.filter((line) => line.startsWith('storage_bytes_by_year.total_bytes,'))).toHaveLength(7);
    expect(csv.some((line) => line.startsWith('cost_by_year.monthly.total,7,'))).toBe(true);
    expect(csv).toContain('inputs.vehicles,,10000');
  });

  it('table: the headline figures, readable', () => {
    const table = renderEstimateTable(tenThousand());
    expect(table).toContain('fleetlake estimate: 10,000 vehicles, one position every 5s, 24 h/day, 7 days/week');
    expect(table).toMatch(/events\/s, average\s+2,000/);
    expect(table).toMatch(/rows\/day\s+172\.8 M/);
    expect(table).toMatch(/disk for 7d retention × 3 replicas\s+725.8 GB/);
    expect(table).toMatch(/\n {2}1\s+10,000\s+2,000\s+103.7 GB\s+1.159 TB\s+1.262 TB\n/);
    expect(table).toContain('Monthly cost at full retention:');
  });
});
