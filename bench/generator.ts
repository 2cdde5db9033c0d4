/**
 * npm run bench:generator [-- --vehicles 100000 --null-minutes 10 --kafka-minutes 2 --seed 1 --workers 2]
 * npm run bench:generator -- --small      (smoke size: 2000 vehicles, 5 + 2 simulated minutes)
 *
 * Positions per second of a backfill into the null sink and into Kafka, and
 * the peak RSS of each, for a `vehicles`-strong fleet reporting every 5 s
 * (default 100 000 vehicles: 10 simulated minutes = 12 M positions to the null
 * sink, 2 minutes = 2.4 M positions to the broker). Each scenario runs in its
 * own child process so its peak RSS is its own. Kafka is KAFKA_BROKERS when
 * set, else a local broker started for the run (broker/local-kafka.ts); the
 * topic is created with 6 partitions and deleted afterwards.
 * Targets (issues 3 and 13): >= 1 000 000 positions/s to null, >= 200 000/s into the broker, < 300 MB RSS.
 */
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { CONFIG_SPEC } from '../core/config-spec.ts';
import { createKafkaClient } from '../core/kafka-client.ts';
import { startLocalKafka, type LocalKafka } from '../broker/local-kafka.ts';
import { loadConfig } from '../core/config.ts';
import { runGenerator, type RunSummary } from '../generator/run.ts';
import { runGeneratorInWorkers } from '../generator/workers/run-in-workers.ts';
import { createKafkaSink } from '../generator/sinks/kafka-sink.ts';
import { createNullSink } from '../generator/sinks/null-sink.ts';
import type { PositionSink } from '../generator/sink.ts';
import { describeMachine } from './machine.ts';

const { values: args } = parseArgs({
  options: {
    vehicles: { type: 'string' },
    'null-minutes': { type: 'string' },
    'kafka-minutes': { type: 'string' },
    seed: { type: 'string', default: '1' },
    workers: { type: 'string' },
    small: { type: 'boolean', default: process.env.BENCH_SMALL === '1' },
    scenario: { type: 'string' },
    brokers: { type: 'string' },
    topic: { type: 'string' },
  },
});
const small = args.small === true;
const vehicles = Number(args.vehicles ?? (small ? 2000 : 100_000));
const nullMinutes = Number(args['null-minutes'] ?? (small ? 5 : 10));
const kafkaMinutes = Number(args['kafka-minutes'] ?? 2);
/** Generator threads (`fleetlake generate --workers`): one per core by default. */
const workers = Number(args.workers ?? cpus().length);
const FROM = Date.parse('2026-11-02T08:00:00Z');
const PARTITIONS = 6;

interface Result {
  readonly sink: string;
  readonly positions: number;
  readonly seconds: number;
  readonly startupSeconds: number;
  /** CPU time of the generator process (user + system): on a busy machine the honest cost. */
  readonly cpuSeconds: number;
  readonly peakRssMb: number;
}

/** Child process: one scenario, result as JSON on stdout. */
async function runScenario(kind: 'null' | 'kafka'): Promise<Result> {
  const started = performance.now();
  const minutes = kind === 'null' ? nullMinutes : kafkaMinutes;
  const fleet = { vehicles, seed: Number(args.seed) };
  const schedule = { kind: 'backfill' as const, fromMs: FROM, toMs: FROM + minutes * 60_000 };
  let firstBatchAt = 0;
  const onProgress = () => (firstBatchAt ||= performance.now());
  const kafka = { ...loadConfig({ env: {} }).kafka, brokers: args.brokers?.split(',') ?? [], topic: args.topic ?? '', partitions: PARTITIONS, client_id: 'bench-generator' };
  let summary: RunSummary;
  if (workers > 1) {
    summary = await runGeneratorInWorkers({ fleet, schedule, workers, sink: { kind }, kafka, compression: CONFIG_SPEC.generator.compression.default, batchSize: 10_000, onProgress });
  } else {
    const sink: PositionSink = kind === 'null' ? createNullSink() : await createKafkaSink({ brokers: kafka.brokers, clientId: kafka.client_id, topic: kafka.topic, partitions: PARTITIONS });
    summary = await runGenerator({ fleet, schedule, sink, onProgress });
    await sink.close();
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    sink: kind,
    positions: summary.messages,
    seconds,
    startupSeconds: (firstBatchAt - started) / 1000,
    cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

function child(kind: 'null' | 'kafka', extra: string[]): Promise<Result> {
  const argv = [...process.execArgv, process.argv[1]!, '--scenario', kind, '--vehicles', String(vehicles), '--null-minutes', String(nullMinutes), '--kafka-minutes', String(kafkaMinutes), '--seed', args.seed!, '--workers', String(workers), ...extra];
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as Result) : reject(new Error(`${kind} scenario exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  if (args.scenario === 'null' || args.scenario === 'kafka') {
    process.stdout.write(JSON.stringify(await runScenario(args.scenario)));
    return;
  }
  const results: Result[] = [await child('null', [])];

  let local: LocalKafka | undefined;
  const brokers = process.env.KAFKA_BROKERS ?? (local = await startLocalKafka({ port: 0, dataDir: undefined, partitions: PARTITIONS })).bootstrap;
  const topic = `bench-generator-${randomUUID()}`;
  try {
    results.push(await child('kafka', ['--brokers', brokers, '--topic', topic]));
  } finally {
    const admin = createKafkaClient({ brokers: brokers.split(','), clientId: 'bench-generator' }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
    await local?.stop();
  }

  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(`\nfleetlake generator: ${fmt(vehicles)} vehicles every 5 s, seed ${args.seed}, ${workers} worker thread${workers === 1 ? '' : 's'}, ${describeMachine()}${local ? `, local Kafka ${local.version}` : `, Kafka ${brokers}`}\n`);
  console.log('| sink | simulated | positions | wall s (startup) | CPU s | positions/s after startup | peak RSS |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of results) {
    const minutes = r.sink === 'null' ? nullMinutes : kafkaMinutes;
    const sink = r.sink === 'null' ? 'null' : `kafka (${PARTITIONS} partitions, ${CONFIG_SPEC.generator.compression.default}, acks=all)`;
    console.log(
      `| ${sink} | ${minutes} min | ${fmt(r.positions)} | ${r.seconds.toFixed(1)} (${r.startupSeconds.toFixed(1)}) | ${r.cpuSeconds.toFixed(1)} | ` +
        `${fmt(r.positions / (r.seconds - r.startupSeconds))} | ${fmt(r.peakRssMb)} MB |`,
    );
  }
  console.log('\nTargets: >= 1,000,000 positions/s to null, >= 200,000 positions/s into the broker, < 300 MB RSS (100,000 vehicles).');
}

await main();
