/**
 * npm run bench:peers [-- --vehicles 1000 --interval 10s --days 3.5 --iterations 20 --seed 1]
 *
 * fleetlake side by side with what users would pick instead: PostgreSQL 15 +
 * PostGIS 3 on the same generator positions, the same machine, the same run.
 * Storage per position, bulk-load rate, and p50/p95 of area+period queries
 * (random district-sized and street-sized areas over 1 hour and 1 day), one
 * vehicle's 1-day track and a district's vehicle count at an instant. Every
 * question goes to both systems and the run fails unless their answers are
 * identical (vehicles and how many positions matched, track timestamps, counts).
 *
 * The default size is 1,000 vehicles every 10 s for 3.5 days: 30.24 million
 * positions, generated in full (no repeating): `fleetlake generate --sink
 * file:` writes them as NDJSON (about 4.4 GB in --work-dir, removed at the
 * end), `fleetlake ingest --source file:` loads that file into an embedded lake,
 * and a Node COPY stream loads the same file into a throwaway PostGIS cluster
 * (bench/peers/postgres-cluster.ts; installed by bench/peers/install-postgis.sh
 * when missing). The loads run one after the other, never together.
 * Smoke run: --vehicles 100 --days 0.5 --iterations 5
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../core/duration.ts';
import { seededRandom } from '../queries/testing/seeded-random.ts';
import { describeMachine } from './machine.ts';
import { generateNdjson } from './peers/fleetlake-lake.ts';
import { askBoth, randomCase, SCENARIOS, type ScenarioId } from './peers/peer-queries.ts';
import { setUpPeers, type Peers } from './peers/peer-setup.ts';
import { POSTGIS_SETTINGS } from './peers/postgis-settings.ts';

const { values: args } = parseArgs({
  options: {
    vehicles: { type: 'string', default: '1000' },
    interval: { type: 'string', default: '10s' },
    days: { type: 'string', default: '3.5' },
    seed: { type: 'string', default: '1' },
    iterations: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    'work-dir': { type: 'string', default: '.bench/peers' },
    out: { type: 'string', default: '.bench/peers-results.json' },
  },
});

const FROM_MS = Date.parse('2025-03-03T00:00:00Z');
const backfill = {
  vehicles: Number(args.vehicles),
  interval: args.interval,
  fromMs: FROM_MS,
  toMs: FROM_MS + Math.round(Number(args.days) * 86_400_000),
  seed: Number(args.seed),
};
const iterations = Number(args.iterations);
const warmup = Number(args.warmup);
const intervalMs = parseDuration(args.interval)?.ms ?? Number.NaN;
for (const [name, value] of Object.entries({ vehicles: backfill.vehicles, days: Number(args.days), seed: backfill.seed, iterations, warmup, interval: intervalMs })) {
  if (!Number.isFinite(value) || value < 0) throw new Error(`bench:peers: --${name} is not a usable number`);
}

interface Figure {
  readonly figure: string;
  readonly fleetlake: number;
  readonly postgis: number;
  readonly unit: string;
  /** true when a higher figure is better (rates); the ratio is fleetlake ÷ PostGIS either way. */
  readonly higherIsBetter: boolean;
}

async function main(): Promise<void> {
  const started = performance.now();
  const workDir = resolve(args['work-dir']);
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const log = (line: string) => process.stderr.write(`[${((performance.now() - started) / 60_000).toFixed(1)} min] ${line}\n`);
  const ndjson = join(workDir, 'positions.ndjson');
  try {
    log(`generating ${args.vehicles} vehicles every ${args.interval} for ${args.days} days …`);
    const generateSeconds = await generateNdjson(ndjson, backfill);
    const peers = await setUpPeers({ ndjson, workDir, ...backfill, log });
    rmSync(ndjson, { force: true });
    try {
      log('queries …');
      const timings = await runQueries(peers, log);
      report(peers, timings, generateSeconds, (performance.now() - started) / 60_000);
    } finally {
      await peers.close();
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

type Timings = Record<ScenarioId, { fleetlake: number[]; postgis: number[]; sizes: number[]; postgisPlan: string }>;

/** Each scenario: untimed warm-up questions, then `iterations` random questions asked of both, who goes first alternating. */
async function runQueries(peers: Peers, log: (line: string) => void): Promise<Timings> {
  const timings = {} as Timings;
  const both = [peers.fleetlake, peers.postgis];
  for (const [n, scenario] of SCENARIOS.entries()) {
    const warm = seededRandom(backfill.seed * 1000 + 500 + n);
    for (let i = 0; i < warmup; i++) await askBoth(randomCase(scenario.id, warm, peers.data), both, i % 2);
    const random = seededRandom(backfill.seed * 1000 + n);
    const t = { fleetlake: [] as number[], postgis: [] as number[], sizes: [] as number[], postgisPlan: '' };
    for (let i = 0; i < iterations; i++) {
      const question = randomCase(scenario.id, random, peers.data);
      const result = await askBoth(question, both, i % 2);
      // After the timed ask, so the plan's own run does not warm the timed one.
      if (i === 0) t.postgisPlan = await peers.postgisPlan(question);
      t.fleetlake.push(result.ms[0]!);
      t.postgis.push(result.ms[1]!);
      t.sizes.push(result.size);
    }
    timings[scenario.id] = t;
    log(`${scenario.label}: p50 fleetlake ${percentile(t.fleetlake, 50).toFixed(1)} ms, PostGIS ${percentile(t.postgis, 50).toFixed(1)} ms`);
  }
  return timings;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

function report(peers: Peers, timings: Timings, generateSeconds: number, minutes: number): void {
  const { load, versions } = peers;
  const rows = load.fleetlake.rows;
  if (load.postgis.rows !== rows) throw new Error(`bench:peers: fleetlake stored ${rows} positions, PostGIS ${load.postgis.rows}`);
  const pgBytes = load.postgis.sizes.reduce((sum, s) => sum + s.bytes, 0);
  const indexSeconds = load.postgis.indexes.reduce((sum, i) => sum + i.seconds, 0);
  const pgReadySeconds = load.postgis.copySeconds + indexSeconds + load.postgis.vacuumAnalyzeSeconds;
  const fmt = (n: number, digits = 1) => n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

  console.log(`# bench:peers — ${rows.toLocaleString('en')} positions (${args.vehicles} vehicles every ${args.interval} for ${args.days} days, seed ${args.seed}), fleetlake vs PostGIS`);
  console.log(`machine: ${describeMachine()}`);
  console.log(`fleetlake: embedded ${versions.fleetlake} (chDB); PostGIS: ${versions.postgres.split(' on ')[0]}, ${versions.postgis.split(' ').slice(0, 3).join(' ')}`);
  console.log(`run: ${new Date().toISOString()}, ${minutes.toFixed(1)} min in all; ${iterations} timed questions per scenario after ${warmup} untimed, every answer identical in both systems\n`);

  console.log('## Load (one after the other, same NDJSON file)\n');
  console.log('| step | seconds | positions/s |');
  console.log('|---|---:|---:|');
  console.log(`| generate the NDJSON (shared input, not counted) | ${fmt(generateSeconds)} | ${fmt(rows / generateSeconds, 0)} |`);
  console.log(`| fleetlake: \`fleetlake ingest --source file:\` | ${fmt(load.fleetlake.ingestSeconds)} | ${fmt(rows / load.fleetlake.ingestSeconds, 0)} |`);
  console.log(`| fleetlake: OPTIMIZE … FINAL (merge to ${load.fleetlake.parts} parts; background work in a live lake) | ${fmt(load.fleetlake.optimizeSeconds)} | |`);
  console.log(`| PostGIS: COPY (NDJSON parsed in Node, hex EWKB) | ${fmt(load.postgis.copySeconds)} | ${fmt(rows / load.postgis.copySeconds, 0)} |`);
  for (const index of load.postgis.indexes) console.log(`| PostGIS: build ${index.name} | ${fmt(index.seconds)} | |`);
  console.log(`| PostGIS: VACUUM (ANALYZE) | ${fmt(load.postgis.vacuumAnalyzeSeconds)} | |`);
  console.log(`| PostGIS: COPY + indexes + VACUUM ANALYZE | ${fmt(pgReadySeconds)} | ${fmt(rows / pgReadySeconds, 0)} |`);

  console.log('\n## Storage\n');
  console.log('| relation | on disk | bytes per position |');
  console.log('|---|---:|---:|');
  console.log(`| fleetlake fleet.positions (${load.fleetlake.parts} parts) | ${gib(load.fleetlake.bytes)} | ${fmt(load.fleetlake.bytes / rows, 2)} |`);
  for (const size of load.postgis.sizes) console.log(`| PostGIS ${size.name} | ${gib(size.bytes)} | ${fmt(size.bytes / rows, 2)} |`);
  console.log(`| PostGIS in all | ${gib(pgBytes)} | ${fmt(pgBytes / rows, 2)} |`);

  console.log('\n## Queries (wall clock at the client: HTTP API for fleetlake, pg over TCP for PostGIS)\n');
  console.log('| question | mean answer size | fleetlake p50 ms | p95 ms | PostGIS p50 ms | p95 ms |');
  console.log('|---|---:|---:|---:|---:|---:|');
  const figures: Figure[] = [
    { figure: 'bytes per position on disk', fleetlake: load.fleetlake.bytes / rows, postgis: pgBytes / rows, unit: 'B', higherIsBetter: false },
    { figure: 'load: ingest vs COPY alone', fleetlake: rows / load.fleetlake.ingestSeconds, postgis: rows / load.postgis.copySeconds, unit: 'positions/s', higherIsBetter: true },
    { figure: 'load: ingest vs COPY + indexes + VACUUM ANALYZE', fleetlake: rows / load.fleetlake.ingestSeconds, postgis: rows / pgReadySeconds, unit: 'positions/s', higherIsBetter: true },
  ];
  for (const scenario of SCENARIOS) {
    const t = timings[scenario.id];
    const size = t.sizes.reduce((a, b) => a + b, 0) / Math.max(1, t.sizes.length);
    console.log(`| ${scenario.label} | ${fmt(size, 0)} | ${fmt(percentile(t.fleetlake, 50))} | ${fmt(percentile(t.fleetlake, 95))} | ${fmt(percentile(t.postgis, 50))} | ${fmt(percentile(t.postgis, 95))} |`);
    for (const p of [50, 95]) {
      figures.push({ figure: `${scenario.label}: p${p}`, fleetlake: percentile(t.fleetlake, p), postgis: percentile(t.postgis, p), unit: 'ms', higherIsBetter: false });
    }
  }

  console.log('\n## fleetlake ÷ PostGIS\n');
  console.log('| figure | fleetlake | PostGIS | fleetlake ÷ PostGIS | better |');
  console.log('|---|---:|---:|---:|---|');
  for (const f of figures) {
    const ratio = f.fleetlake / f.postgis;
    const better = ratio === 1 ? 'even' : ratio > 1 === f.higherIsBetter ? 'fleetlake' : 'PostGIS';
    console.log(`| ${f.figure} | ${fmt(f.fleetlake, f.unit === 'B' ? 2 : f.unit === 'ms' ? 1 : 0)} ${f.unit} | ${fmt(f.postgis, f.unit === 'B' ? 2 : f.unit === 'ms' ? 1 : 0)} ${f.unit} | ${ratio.toFixed(3)} | ${better} |`);
  }
  console.log('\n## How PostGIS answered (EXPLAIN ANALYZE of the first timed question of each kind)\n');
  for (const scenario of SCENARIOS) console.log(`### ${scenario.label}\n\n\`\`\`\n${timings[scenario.id].postgisPlan}\n\`\`\`\n`);
  console.log(`PostGIS settings: ${Object.entries(POSTGIS_SETTINGS).map(([k, v]) => `${k}=${v}`).join(', ')}`);

  mkdirSync(resolve(args.out, '..'), { recursive: true });
  writeFileSync(args.out, JSON.stringify({ at: new Date().toISOString(), machine: describeMachine(), backfill, rows, versions, load, generateSeconds, minutes, timings, figures, postgisSettings: POSTGIS_SETTINGS }, null, 2));
  console.log(`figures written to ${args.out}`);
}

await main();
