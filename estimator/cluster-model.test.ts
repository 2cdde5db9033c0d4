import { describe, expect, it } from 'vitest';
import { clusterSizing } from './cluster-model.ts';
import { fixedCalibration, scenarioOf } from './test-fixtures.ts';

const calibration = fixedCalibration(20, 50_000);
/** 2,000 events/s; the query covers the whole service area, so it reads the whole busiest hour: 7.2 M rows. */
const base = {
  vehicles: 10_000, report_interval: '5s', message_size: 100, service_area_km2: 100, query_area_km2: 100,
  target_query_period: '1h', target_query_seconds: 0.35, node_scan_rows_per_second: 4_000_000,
  node_disk_gb: 100, node_insert_rows_per_second: 1000, broker_node_mb_per_second: 50,
};

describe('cluster sizing', () => {
  it('takes the largest of the shard counts latency, disk and inserts ask for', () => {
    const c = clusterSizing(scenarioOf(base), calibration);
    // latency: 7.2 M rows / (4 M rows/s × (0.35 − 0.05 s overhead)) = 6
    expect(c.query_rows).toBe(7_200_000);
    expect(c.shards_for_latency).toBe(6);
    // disk: 30 days × 172.8 M rows × 20 B = 103.68 GB over 70 % of 100 GB = 2
    expect(c.hot_bytes_one_copy).toBeCloseTo(103.68e9, -3);
    expect(c.shards_for_disk).toBe(2);
    // inserts: 2,000/s × 1.5 headroom over 1,000 rows/s per node = 3
    expect(c.shards_for_inserts).toBe(3);
    expect(c).toMatchObject({ shards: 6, replicas: 2, clickhouse_nodes: 12, keeper_nodes: 3, binding_limit: 'latency' });
    expect(c.query_seconds_one_node).toBeCloseTo(0.05 + 1.8, 9);
    expect(c.query_seconds_cluster).toBeCloseTo(0.05 + 0.3, 9);
  });

  it('sizes brokers by replication factor, throughput and the disk their retention needs', () => {
    // 7 days × 172.8 M messages × 100 B × 3 copies = 362.88 GB over 70 GB per broker = 6 (throughput asks for 1)
    expect(clusterSizing(scenarioOf(base), calibration).brokers).toBe(6);
    expect(clusterSizing(scenarioOf({ ...base, broker_retention: '1h' }), calibration).brokers).toBe(3);
  });

  it('finds the largest fleet one node carries, and the limit it meets first', () => {
    // latency: 720 rows per vehicle-hour ≤ 1.2 M → 1,666; disk → 6,751; inserts → 3,333
    expect(clusterSizing(scenarioOf(base), calibration)).toMatchObject({ single_node_max_vehicles: 1666, single_node_limit: 'latency' });
    const lenient = scenarioOf({ ...base, target_query_seconds: 100, node_insert_rows_per_second: 1e9 });
    expect(clusterSizing(lenient, calibration)).toMatchObject({ single_node_max_vehicles: 6751, single_node_limit: 'disk' });
  });

  it('stays on one node, with no Keeper, while one node is enough; three replicas get five Keeper nodes', () => {
    expect(clusterSizing(scenarioOf({ ...base, vehicles: 1000 }), calibration)).toMatchObject({ shards: 1, replicas: 1, clickhouse_nodes: 1, keeper_nodes: 0, binding_limit: 'none' });
    expect(clusterSizing(scenarioOf({ ...base, replicas: 3 }), calibration)).toMatchObject({ replicas: 3, keeper_nodes: 5 });
  });
});
