/**
 * npm run bench:sharding [-- --vehicles 1000 --hours 6 --seed 1 --shards 2,4,8]
 *
 * The numbers behind the cluster's sharding key (docs/cluster.md): generator
 * positions go through the real ingest into an embedded lake, and each
 * candidate key splits them into N buckets exactly as a Distributed table's
 * `key % N` would. No cluster runs: one lake holds every row, and grouping by
 * the bucket shows what each shard would hold and read.
 *
 * - by_vehicle: cityHash64(vehicle_id), the key of the cluster schema;
 * - by_area: cityHash64(h3ToParent(h3_cell, 6)), spatial sharding by ~36 km² hexagons.
 *
 * For each: rows per shard (balance), what a district over the busiest hour
 * reads on each shard (the largest shard's share bounds the speed-up: the
 * answer waits for it), and how many shards a vehicle's 6-hour track touches.
 * Results go to stdout and .bench/sharding-results.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import h3 from 'h3-js';
import { queryRows } from '../core/clickhouse.ts';
import { loadDistricts } from '../core/districts.ts';
import { H3_RESOLUTION, TABLES } from '../core/names.ts';
import { ingestGeneratedFleet } from '../estimator/generated-fleet.ts';
import { openTestLake } from '../test-support/lake.ts';
import { describeMachine } from './machine.ts';

const { values: args } = parseArgs({
  options: {
    vehicles: { type: 'string', default: '1000' },
    hours: { type: 'string', default: '6' },
    seed: { type: 'string', default: '1' },
    shards: { type: 'string', default: '2,4,8' },
  },
});
const HOUR = 3_600_000;
const KEYS = { by_vehicle: 'cityHash64(vehicle_id)', by_area: 'cityHash64(h3ToParent(h3_cell, 6))' } as const;
const shardCounts = args.shards.split(',').map(Number);
const fromMs = Math.floor(Date.now() / (24 * HOUR)) * 24 * HOUR - 24 * HOUR;

const lake = await openTestLake({ ingest: { metrics_port: 0, instance: 'bench-sharding' } });
try {
  const { client } = lake.ch;
  const started = Date.now();
  const rows = await ingestGeneratedFleet(client, lake.config, { vehicles: Number(args.vehicles), seed: Number(args.seed), fromMs, toMs: fromMs + Number(args.hours) * HOUR, intervalMs: 5000 });
  console.log(`machine: ${describeMachine()}; embedded engine`);
  console.log(`${rows.toLocaleString('en')} positions of ${args.vehicles} vehicles over ${args.hours} h (seed ${args.seed}) ingested and merged in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

  const [busiest] = await queryRows<{ hour: string }>(client, `SELECT toString(toStartOfHour(ts)) AS hour FROM ${TABLES.positions} GROUP BY hour ORDER BY count() DESC LIMIT 1`);
  const districts = loadDistricts().map((d) => ({ id: d.id, cells: d.polygons.flatMap((p) => h3.polygonToCells(p, H3_RESOLUTION, true)).map((c) => BigInt(`0x${c}`)) }));
  const sampleVehicles = (await queryRows<{ v: string }>(client, `SELECT DISTINCT vehicle_id AS v FROM ${TABLES.positions} ORDER BY cityHash64(vehicle_id) LIMIT 50`)).map((r) => r.v);

  const results = [];
  for (const n of shardCounts) {
    for (const [name, key] of Object.entries(KEYS)) {
      const perShard = await queryRows<{ shard: string; rows: string; vehicles: string }>(
        client,
        `SELECT ${key} % {n:UInt32} AS shard, count() AS rows, uniqExact(vehicle_id) AS vehicles FROM ${TABLES.positions} GROUP BY shard ORDER BY shard`,
        { n },
      );
      const shardRows = perShard.map((r) => Number(r.rows));
      const mean = rows / n;

      // A district over the busiest hour: the rows each shard reads, and the busiest shard's share of them.
      const largestShares: number[] = [];
      const shardsHit: number[] = [];
      for (const district of districts) {
        const split = await queryRows<{ rows: string }>(
          client,
          `SELECT count() AS rows FROM ${TABLES.positions}
           WHERE h3_cell IN {cells:Array(UInt64)} AND toStartOfHour(ts) = toDateTime64({hour:String}, 3, 'UTC')
           GROUP BY ${key} % {n:UInt32}`,
          { cells: district.cells, hour: busiest!.hour, n },
        );
        const counts = split.map((r) => Number(r.rows));
        const total = counts.reduce((a, b) => a + b, 0);
        if (total === 0) continue;
        largestShares.push(Math.max(...counts) / total);
        shardsHit.push(counts.length);
      }

      // A vehicle's whole track: how many shards hold a piece of it.
      const [track] = await queryRows<{ shards: string }>(
        client,
        `SELECT avg(s) AS shards FROM (SELECT vehicle_id, uniqExact(${key} % {n:UInt32}) AS s FROM ${TABLES.positions} WHERE vehicle_id IN {vs:Array(String)} GROUP BY vehicle_id)`,
        { n, vs: sampleVehicles },
      );
      results.push({
        shards: n,
        key: name,
        rows_per_shard: shardRows,
        vehicles_per_shard: perShard.map((r) => Number(r.vehicles)),
        balance_max_over_mean: Math.max(...shardRows) / mean,
        district_hour_largest_shard_share_mean: average(largestShares),
        district_hour_largest_shard_share_max: Math.max(...largestShares),
        district_hour_shards_hit_mean: average(shardsHit),
        track_shards_mean: Number(track?.shards ?? 0),
      });
    }
  }

  console.log('| shards | key | rows per shard, max / mean | district-hour: busiest shard reads (mean, max of districts) | shards a district-hour touches | shards a vehicle track touches |');
  console.log('| ---: | --- | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    console.log(
      `| ${r.shards} | ${r.key} | ${r.balance_max_over_mean.toFixed(3)} | ${pct(r.district_hour_largest_shard_share_mean)} (${pct(r.district_hour_largest_shard_share_max)}) | ${r.district_hour_shards_hit_mean.toFixed(2)} | ${r.track_shards_mean.toFixed(2)} |`,
    );
  }
  mkdirSync('.bench', { recursive: true });
  writeFileSync('.bench/sharding-results.json', JSON.stringify({ machine: describeMachine(), rows, vehicles: Number(args.vehicles), hours: Number(args.hours), seed: Number(args.seed), busiest_hour: busiest?.hour, results }, null, 2));
} finally {
  await lake.dispose();
}

function average(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}
