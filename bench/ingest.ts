/**
 * npm run bench:ingest [-- --positions 2000000 --vehicles 100000 --partitions 6 --rate 50000 --paced 60s]
 *
 * Ingest throughput end to end (generator backfill → broker → ingest →
 * ClickHouse) and, in the same run, the two limits it sits between: the
 * broker's consume-only rate with kafkajs and ClickHouse's insert rate for the
 * same rows from memory, plus the insert formats both client modes accept.
 * Then p99 freshness with a live generator paced at --rate positions/s, its
 * NDJSON sent by the Java Kafka client (broker/line-producer): kafkajs' producer
 * alone would need more than one of a small machine's cores at 50 000/s.
 * Uses KAFKA_BROKERS when set, else starts a local broker; an embedded lake in
 * a temporary directory (or CLICKHOUSE_URL). --without-rollups drops the
 * presence rollups' materialized views first, so two runs give what they cost
 * ingest (docs/storage.md). Smoke run:
 *   npm run bench:ingest -- --positions 20000 --vehicles 1000 --rate 2000 --paced 15s
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createKafkaClient } from '../core/kafka-client.ts';
import { startLineProducer } from '../broker/line-producer.ts';
import { startLocalKafka, type LocalKafka } from '../broker/local-kafka.ts';
import { openClickHouse, queryRows, type ClickHouse } from '../core/clickhouse.ts';
import { loadConfig, type FleetlakeConfig } from '../core/config.ts';
import { CONFIG_SPEC } from '../core/config-spec.ts';
import { parseDuration } from '../core/duration.ts';
import { createSilentLogger } from '../core/logger.ts';
import { TABLES } from '../core/names.ts';
import { parsePosition, type Position } from '../core/position.ts';
import { backfillMessages, createKafkaSink, runGenerator } from '../generator/index.ts';
import { createClickHouseWriter } from '../ingest/clickhouse-writer.ts';
import { CORE_POSITION_COLUMNS, createTsvBody, type TsvBody } from '../ingest/encode-batch.ts';
import { createKafkaSource, kafkaSourceOptions, runIngest } from '../ingest/index.ts';
import { migrate } from '../schema/migrate.ts';
import { cpus } from 'node:os';
import { measureIngestFloor } from './ingest-floor.ts';
import { cpuMicros, describeMachine } from './machine.ts';

const { values: args } = parseArgs({
  options: {
    positions: { type: 'string', default: '2000000' },
    vehicles: { type: 'string', default: '100000' },
    partitions: { type: 'string', default: '6' },
    rate: { type: 'string', default: '50000' },
    paced: { type: 'string', default: '60s' },
    seed: { type: 'string', default: '1' },
    'without-rollups': { type: 'boolean', default: false },
  },
});
const POSITIONS = Number(args.positions);
const VEHICLES = Number(args.vehicles);
const PARTITIONS = Number(args.partitions);
const RATE = Number(args.rate);
const PACED_MS = parseDuration(args.paced)?.ms ?? 60_000;
const INTERVAL_MS = 5000;
const FLEET = { vehicles: VEHICLES, seed: Number(args.seed), intervalMs: INTERVAL_MS };
const FROM_MS = Date.now() - 86_400_000;
const TO_MS = FROM_MS + Math.ceil(POSITIONS / VEHICLES) * INTERVAL_MS;
const CLI = fileURLToPath(new URL('../bin/fleetlake.js', import.meta.url));
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
const fmt = (n: number) => n.toLocaleString('en');

async function main(): Promise<void> {
  let kafka: LocalKafka | undefined;
  const fromEnv = process.env.KAFKA_BROKERS?.split(',').filter(Boolean) ?? [];
  if (fromEnv.length === 0) kafka = await startLocalKafka({ port: 0, dataDir: undefined, log: () => undefined });
  const brokers = fromEnv.length > 0 ? fromEnv : [kafka!.bootstrap];
  const dataDir = mkdtempSync(join(tmpdir(), 'fleetlake-bench-ingest-'));
  const run = randomUUID().slice(0, 8);
  const configFor = (name: string) =>
    loadConfig({
      overrides: {
        clickhouse: { data_dir: dataDir },
        kafka: { brokers, topic: `bench-${name}-${run}`, dlq_topic: `bench-dlq-${run}`, partitions: PARTITIONS },
        ingest: { group_id: `bench-${name}-${run}`, metrics_port: 0 },
      },
    });
  const config = configFor('backlog');
  const ch = openClickHouse(config);
  try {
    await migrate(ch.client, config);
    if (args['without-rollups']) {
      for (const table of [TABLES.presenceHourly, TABLES.presenceDaily]) await ch.client.command({ query: `DROP VIEW IF EXISTS ${table}_mv` });
    }
    console.log(`# bench:ingest — ${fmt(POSITIONS)} positions of ${fmt(VEHICLES)} vehicles, ${PARTITIONS} partitions, batches of ${fmt(config.ingest.batch_rows)} rows / ${config.ingest.batch_max_wait.text}`);
    console.log(`presence rollups' materialized views: ${args['without-rollups'] ? 'dropped (--without-rollups)' : 'in place'}`);
    console.log(`machine: ${describeMachine()}; ClickHouse ${ch.mode} (${ch.location}); broker ${brokers.join(',')}\n`);

    const cpu = cpuAccounting(kafka?.pid);
    const fill = await fillTopic(config);
    console.log(`generator backfill → broker: ${fmt(fill.messages)} messages in ${(fill.ms / 1000).toFixed(1)} s (${fmt(rate(fill.messages, fill.ms))}/s, ${CONFIG_SPEC.generator.compression.default})`);
    const consume = await cpu.of(fill.messages, () => consumeOnly(config, fill.messages));
    const consumeRate = rate(fill.messages, consume.value);
    console.log(`limit 1, broker consume-only (kafkajs eachBatch, fresh group): ${fmt(consumeRate)} positions/s; ${consume.text}`);
    const insert = await insertOnly(ch, config, fill.messages, cpu);
    console.log(`limit 2, ClickHouse insert from memory (${insert.batches} inserts, ${config.ingest.max_in_flight} at a time): ${fmt(insert.rate)} positions/s; ${insert.cpu.text}`);
    console.log(`insert formats (encode + insert, same rows): ${insert.formats.map((f) => `${f.format} ${fmt(f.rate)}/s`).join(', ')}`);
    // A server's CPU is not this process's: the floor's ClickHouse pieces mean something with the embedded engine only.
    const floor = ch.mode === 'embedded' ? await ingestFloor(ch, config) : undefined;
    if (floor) {
      const at = (rows: number) => `${floor.perPosition(rows).toFixed(2)} µs at ${fmt(rows)} rows a batch`;
      const withConsume = floor.perPosition(config.ingest.batch_rows) + consume.micros.total;
      console.log(
        `floor (CPU per position, each piece alone): scan ${floor.scan.toFixed(2)} + encode ${floor.encode.toFixed(2)} + ClickHouse parse ${floor.parse.toFixed(2)} + rest of the insert ${floor.write.toFixed(2)} + first merge ${floor.merge.toFixed(2)}` +
          ` + per batch ${floor.insertMs.toFixed(1)} ms insert and ${floor.claimMs.toFixed(1)} ms journal claim = ${at(config.ingest.batch_rows)}, ${at(20_000)}; with consume-only: ${withConsume.toFixed(2)} µs, a ceiling of ${fmt(Math.round((cpus().length * 1e6) / withConsume))}/s`,
      );
    }
    const e2e = await cpu.of(fill.messages, () => endToEnd(ch, config, fill.messages));
    const e2eRate = rate(fill.messages, e2e.value.ms);
    const limit = Math.min(consumeRate, insert.rate);
    console.log(`end to end (backlog → ingest → ClickHouse, committed): ${fmt(e2eRate)} positions/s = ${((e2eRate / limit) * 100).toFixed(0)} % of the smaller limit, ${e2e.value.batches} batches (${fmt(Math.round(fill.messages / e2e.value.batches))} rows on average); ${e2e.text}`);

    const paced = await pacedFreshness(ch, configFor('paced'), brokers);
    console.log(`paced at ${fmt(RATE)} positions/s for ${args.paced} (generator → Java producer, uncompressed): ingested ${fmt(paced.rows)} (${fmt(paced.rowsPerSecond)}/s); freshness p50 ${paced.p50.toFixed(2)} s, p99 ${paced.p99.toFixed(2)} s, max ${paced.max.toFixed(2)} s`);
    const cpuPerPosition = { consume: consume.micros, insert: insert.cpu.micros, e2e: e2e.micros, floor: floor && { ...floor, atBatchRows: floor.perPosition(config.ingest.batch_rows) } };
    console.log(`\n${JSON.stringify({ positions: fill.messages, consumeRate, insertRate: insert.rate, e2eRate, e2eBatches: e2e.value.batches, ratio: e2eRate / limit, formats: insert.formats, paced, cpuPerPosition })}`);
  } finally {
    await ch.close();
    rmSync(dataDir, { recursive: true, force: true });
    await kafka?.stop();
  }
}

/**
 * CPU microseconds per position of a phase, this process (ingest, kafkajs and
 * the embedded engine's threads) and the local broker apart, and the rate the
 * machine's cores could give at that cost: the ceiling no code of this
 * process's shape can pass, whatever the wall clock says on a busy day.
 */
function cpuAccounting(brokerPid: number | undefined) {
  const cores = cpus().length;
  return {
    async of<T>(positions: number, phase: () => Promise<T>) {
      const before = cpuMicros(brokerPid);
      const value = await phase();
      const after = cpuMicros(brokerPid);
      const self = (after.self - before.self) / positions;
      const broker = after.other !== undefined && before.other !== undefined ? (after.other - before.other) / positions : undefined;
      const total = self + (broker ?? 0);
      const text = `CPU ${self.toFixed(2)} µs/position here${broker === undefined ? '' : ` + ${broker.toFixed(2)} in the broker = ${total.toFixed(2)}`}, a ceiling of ${fmt(Math.round((cores * 1e6) / total))}/s on ${cores} cores`;
      return { value, micros: { self, broker, total }, text };
    },
  };
}

async function fillTopic(config: FleetlakeConfig): Promise<{ messages: number; ms: number }> {
  const { brokers, topic, client_id } = config.kafka;
  const sink = await createKafkaSink({ brokers, clientId: client_id, topic, partitions: PARTITIONS });
  const started = performance.now();
  const summary = await runGenerator({ fleet: FLEET, schedule: { kind: 'backfill', fromMs: FROM_MS, toMs: TO_MS }, sink });
  await sink.close();
  return { messages: summary.messages, ms: performance.now() - started };
}

async function consumeOnly(config: FleetlakeConfig, total: number): Promise<number> {
  const kafka = createKafkaClient({ brokers: [...config.kafka.brokers], clientId: 'bench-consume' });
  const consumer = kafka.consumer({ groupId: `${config.ingest.group_id}-consume-only`, maxBytesPerPartition: 4 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic: config.kafka.topic, fromBeginning: true });
  const started = performance.now();
  let seen = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        seen += batch.messages.length;
        if (seen >= total) resolve();
      },
    });
  });
  const ms = performance.now() - started;
  await consumer.disconnect();
  return ms;
}

/**
 * The same rows as insert bodies, built first, then written with the ingest
 * writer at ingest's concurrency: the rate and the CPU are the inserts' alone.
 */
async function insertOnly(ch: ClickHouse, config: FleetlakeConfig, total: number, cpu: ReturnType<typeof cpuAccounting>) {
  const writer = createClickHouseWriter(ch.client);
  const batchRows = config.ingest.batch_rows;
  const bodies: { bytes: Buffer; columns: readonly string[] }[] = [];
  let current: TsvBody = createTsvBody();
  let rows = 0;
  const sample: Position[] = [];
  for (const m of backfillMessages({ ...FLEET, fromMs: FROM_MS, toMs: TO_MS })) {
    const check = parsePosition(m.value);
    if (!check.ok) continue;
    if (sample.length < batchRows) sample.push(check.position);
    current.add(check.position);
    if (++rows % batchRows === 0) {
      bodies.push({ bytes: current.bytes(), columns: current.columns });
      current = createTsvBody();
    }
  }
  if (current.rows > 0) bodies.push({ bytes: current.bytes(), columns: current.columns });
  const written = await cpu.of(Math.min(rows, total), async () => {
    const started = performance.now();
    for (let i = 0; i < bodies.length; i += config.ingest.max_in_flight) {
      await Promise.all(bodies.slice(i, i + config.ingest.max_in_flight).map((body, k) => writer.insertPositions(`bench:${i + k}`, body.bytes, body.columns)));
    }
    return performance.now() - started;
  });
  const formats = await compareFormats(ch, sample);
  await truncate(ch);
  return { rate: rate(Math.min(rows, total), written.value), batches: bodies.length, formats, cpu: written };
}

/** The floor's pieces on up to 300 000 of the backlog's messages, batched as ingest batches them. */
async function ingestFloor(ch: ClickHouse, config: FleetlakeConfig) {
  const messages: Buffer[] = [];
  for (const m of backfillMessages({ ...FLEET, fromMs: FROM_MS, toMs: TO_MS })) {
    messages.push(Buffer.from(m.value));
    if (messages.length >= Math.min(POSITIONS, 300_000)) break;
  }
  return measureIngestFloor(ch, messages, config.ingest.batch_rows);
}

/** Encode + insert of one batch in each text format that both the HTTP client and the embedded connection accept. */
async function compareFormats(ch: ClickHouse, rows: readonly Position[]) {
  // Generator positions carry no device fields, so every format here writes the core columns (as ingest's own bodies do).
  const columns = `(${CORE_POSITION_COLUMNS.join(', ')})`;
  const fixed = (p: Position) => ({ lat: p.lat.toFixed(6), lon: p.lon.toFixed(6), speed: p.speed_kmh.toFixed(1), heading: Math.round(p.heading_deg) % 360, ts: (p.ts_ms / 1000).toFixed(3) });
  const tsv = () => {
    const body = createTsvBody();
    for (const p of rows) body.add(p);
    return body.bytes();
  };
  const perRow: Record<string, (p: Position) => string> = {
    JSONCompactEachRow: (p) => { const f = fixed(p); return `[${JSON.stringify(p.vehicle_id)},"${f.ts}",${f.lat},${f.lon},${f.speed},${f.heading},${JSON.stringify(p.vehicle_type)}]\n`; },
    JSONEachRow: (p) => { const f = fixed(p); return JSON.stringify({ vehicle_id: p.vehicle_id, ts: f.ts, lat: f.lat, lon: f.lon, speed_kmh: f.speed, heading_deg: f.heading, vehicle_type: p.vehicle_type }) + '\n'; },
  };
  const bodies: Record<string, () => Buffer | string> = {
    TabSeparated: tsv,
    CSV: () => tsv().toString('latin1').replaceAll('\t', ','),
    ...Object.fromEntries(Object.entries(perRow).map(([format, encode]) => [format, () => rows.map(encode).join('')])),
  };
  const results: { format: string; rate: number }[] = [];
  for (const [format, encode] of Object.entries(bodies)) {
    let best = Infinity;
    for (let round = 0; round < 3; round++) {
      const started = performance.now();
      const body = encode();
      const r = await ch.client.exec({ query: `INSERT INTO ${TABLES.positions} ${columns} SETTINGS insert_deduplication_token = 'format-${format}-${round}' FORMAT ${format}`, values: Readable.from([body]) });
      r.stream.destroy();
      best = Math.min(best, performance.now() - started);
    }
    results.push({ format, rate: rate(rows.length, best) });
  }
  return results;
}

async function endToEnd(ch: ClickHouse, config: FleetlakeConfig, total: number): Promise<{ ms: number; batches: number }> {
  const logger = createSilentLogger();
  const stop = new AbortController();
  const started = performance.now();
  let doneAt = 0;
  let batches = 0;
  await runIngest({ source: createKafkaSource(kafkaSourceOptions(config, logger)), client: ch.client, config, logger, signal: stop.signal, onBatch: (t) => {
    if (t.rows >= total && !doneAt) {
      doneAt = performance.now();
      batches = t.batches;
      stop.abort();
    }
  } });
  const [row] = await queryRows<{ n: string }>(ch.client, `SELECT count() AS n FROM ${TABLES.positions}`);
  if (Number(row?.n) !== total) throw new Error(`end to end stored ${row?.n} positions, expected ${total}`);
  await truncate(ch);
  return { ms: doneAt - started, batches };
}

/** A live generator at RATE positions/s into the Java producer; freshness sampled every 100 ms after a warm-up. */
async function pacedFreshness(ch: ClickHouse, config: FleetlakeConfig, brokers: string[]) {
  await createTopic(config);
  const logger = createSilentLogger();
  const stop = new AbortController();
  let newest: number | undefined;
  let rows = 0;
  const ingest = runIngest({ source: createKafkaSource(kafkaSourceOptions(config, logger)), client: ch.client, config, logger, signal: stop.signal, onBatch: (t) => ((newest = t.newestTsMs), (rows = t.rows)) });
  const vehicles = String(Math.round((RATE * INTERVAL_MS) / 1000));
  const generator = spawn(process.execPath, [CLI, 'generate', '--vehicles', vehicles, '--interval', '5s', '--duration', args.paced!, '--sink', 'stdout'], {
    env: { ...process.env, FLEETLAKE_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const producer = startLineProducer({ brokers, topic: config.kafka.topic, compression: 'none', input: generator.stdout });
  const exited = producer.done;
  const samples: number[] = [];
  const warmUpUntil = Date.now() + Math.min(10_000, PACED_MS / 3);
  const sampler = setInterval(() => {
    if (newest !== undefined && Date.now() > warmUpUntil) samples.push((Date.now() - newest) / 1000);
  }, 100);
  const started = Date.now();
  await exited;
  const pacedMs = Date.now() - started;
  clearInterval(sampler);
  stop.abort();
  await ingest;
  await truncate(ch);
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)] ?? Number.NaN;
  return { rows, rowsPerSecond: rate(rows, pacedMs), p50: at(0.5), p99: at(0.99), max: at(1), samples: samples.length };
}

async function createTopic(config: FleetlakeConfig): Promise<void> {
  const admin = createKafkaClient({ brokers: [...config.kafka.brokers], clientId: 'bench-admin' }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: config.kafka.topic, numPartitions: PARTITIONS }], waitForLeaders: true });
  await admin.disconnect();
}

async function truncate(ch: ClickHouse): Promise<void> {
  for (const table of [TABLES.positions, TABLES.latestPositions]) await ch.client.command({ query: `TRUNCATE TABLE ${table}` });
}

await main();
