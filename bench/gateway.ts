/**
 * npm run bench:gateway [-- --connections 20000 --interval 5s --duration 60s --throughput-connections 400 --throughput-duration 30s --embedded]
 *
 * The gateway in a process of its own (`fleetlake gateway`), the broker at
 * KAFKA_BROKERS (required), and the device simulator's Teltonika clients in
 * this process. The gateway reaches its lake (registry, command queue, frame
 * archive, reports) as deployed, over HTTP (CLICKHOUSE_URL), here a temporary
 * embedded lake in a third process (bench/lake-server.ts); --embedded opens
 * the lake inside the gateway instead, as `fleetlake gateway` alone does.
 *   1. concurrency: N connections, each sending a one-record packet every
 *      interval. The devices connect spread over the first interval (the
 *      ramp); once all are connected and one more interval has passed, the
 *      steady state begins. ACK latency percentiles as devices see them, for
 *      the steady state and for the whole run, and gateway RSS;
 *   2. throughput: M connections sending 10-record packets back to back;
 *      records per second acknowledged (so in Kafka with acks=all).
 * Every simulated device connects from 127.0.0.1, so the per-address cap is
 * lifted for the run. Defaults are a short run (2,000 connections); the issue's figure needs
 * --connections 20000, which needs a file-descriptor limit above 20,000 in
 * both processes (ulimit -n). --gateway-cpu-prof DIR writes a CPU profile of
 * the gateway process there when it stops (node --cpu-prof).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../core/duration.ts';
import type { Position } from '../core/position.ts';
import { simulatedImei, teltonikaDevice } from '../gateway/simulator/protocol-devices.ts';
import { createStreamDevice, type StreamDevice } from '../gateway/simulator/stream-device.ts';
import { spawnFleetlake } from '../test-support/spawn-fleetlake.ts';
import { describeMachine } from './machine.ts';

const { values: args } = parseArgs({
  options: {
    connections: { type: 'string', default: '2000' },
    interval: { type: 'string', default: '5s' },
    duration: { type: 'string', default: '30s' },
    'throughput-connections': { type: 'string', default: '400' },
    'throughput-duration': { type: 'string', default: '20s' },
    port: { type: 'string', default: '15027' },
    'gateway-cpu-prof': { type: 'string' },
    embedded: { type: 'boolean', default: false },
  },
});
const brokers = process.env.KAFKA_BROKERS;
if (!brokers) throw new Error('bench:gateway needs a broker: KAFKA_BROKERS=127.0.0.1:9092 (fleetlake broker starts one)');
const ms = (text: string) => parseDuration(text)?.ms ?? Number.NaN;
const port = Number(args.port);
const connections = Number(args.connections);
const throughputConnections = Number(args['throughput-connections']);
const suffix = `${process.pid}`;

function position(vehicle: number, at: number): Position {
  return { vehicle_id: `v-${vehicle}`, ts_ms: at, lat: 45.5 + (vehicle % 1000) * 1e-4, lon: -73.6 + (at % 100_000) * 1e-8, speed_kmh: 30, heading_deg: 90, vehicle_type: 'car' };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
const statusMb = (pid: number, field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const rssMb = (pid: number) => statusMb(pid, 'VmRSS');

/** bench/lake-server.ts in its own process: resolves with its URL once it listens. */
async function startLakeServer(dataDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'lake-server.ts')], { env: { ...process.env, FLEETLAKE_DATA_DIR: dataDir, CLICKHOUSE_URL: '' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const found = /lake server: (\S+)/.exec(out);
      if (found) resolve(found[1]!);
    });
    child.once('exit', (code) => reject(new Error(`bench/lake-server.ts exited (${code}) before listening`)));
  });
  return { url, stop: () => (child.kill('SIGTERM'), exited) };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fleetlake-bench-gateway-'));
  const lakeServer = args.embedded ? undefined : await startLakeServer(dataDir);
  const env = { FLEETLAKE_DATA_DIR: dataDir, CLICKHOUSE_URL: lakeServer?.url ?? '', KAFKA_BROKERS: brokers, FLEETLAKE_TOPIC: `bench-gateway-${suffix}`, FLEETLAKE_GATEWAY_FRAMES_TOPIC: `bench-gateway-frames-${suffix}`, FLEETLAKE_LOG_LEVEL: 'warn', FLEETLAKE_GATEWAY_METRICS_PORT: '0', FLEETLAKE_GATEWAY_MAX_CONNECTIONS_PER_ADDRESS: '1000000' };
  const total = Math.max(connections, throughputConnections);
  const csv = join(dataDir, 'devices.csv');
  writeFileSync(csv, Array.from({ length: total }, (_, i) => `${simulatedImei(`v-${i}`)},v-${i},car`).join('\n'));
  for (const step of [['migrate'], ['devices', 'import', csv]]) {
    const run = spawnFleetlake(step, env);
    if ((await run.exited) !== 0) throw new Error(`fleetlake ${step.join(' ')} failed:\n${run.output()}`);
  }
  const profile = args['gateway-cpu-prof'];
  const gateway = spawnFleetlake(
    ['gateway', '--host', '127.0.0.1', '--teltonika-port', String(port), '--gt06-port', String(port + 1), '--osmand-port', String(port + 2)],
    env,
    profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [],
  );
  try {
    while (!gateway.output().includes('gateway listening')) {
      if (gateway.process.exitCode !== null) throw new Error(`the gateway did not start:\n${gateway.output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    console.log(`# bench:gateway — ${describeMachine()}\n`);
    console.log(`The gateway's lake: ${lakeServer ? `over HTTP (${lakeServer.url}, bench/lake-server.ts), as deployed` : 'embedded in the gateway process (--embedded)'}; gateway RSS at rest ${rssMb(gateway.process.pid!).toFixed(0)} MB.\n`);
    await concurrency(gateway.process.pid!);
    await throughput(gateway.process.pid!);
  } finally {
    gateway.process.kill('SIGTERM');
    await gateway.exited;
    await lakeServer?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const devices = (n: number, records: (i: number) => number): { device: StreamDevice; packet: (at: number) => Buffer }[] =>
  Array.from({ length: n }, (_, i) => {
    const protocol = teltonikaDevice(simulatedImei(`v-${i}`), false);
    return {
      device: createStreamDevice({ host: '127.0.0.1', port, protocol, deviceId: simulatedImei(`v-${i}`), ackTimeoutMs: 10_000 }),
      packet: (at: number) => protocol.packet(Array.from({ length: records(i) }, (_, k) => position(i, at + k))),
    };
  });

async function concurrency(pid: number): Promise<void> {
  const intervalMs = ms(args.interval);
  const started = Date.now();
  const until = started + ms(args.duration);
  const fleet = devices(connections, () => 1);
  // Each ACK latency with the time its packet was sent, so the steady state can be told from the ramp.
  const acks: { sentAt: number; ms: number }[] = [];
  let connected = 0;
  let allConnectedAt = Number.POSITIVE_INFINITY;
  let peakRss = 0;
  let steadyPeakRss = 0;
  const sampler = setInterval(() => {
    const rss = rssMb(pid);
    peakRss = Math.max(peakRss, rss);
    if (Date.now() >= allConnectedAt + intervalMs) steadyPeakRss = Math.max(steadyPeakRss, rss);
  }, 500);
  // Devices start spread over one interval, as a real fleet's reports are.
  await Promise.all(
    fleet.map(async ({ device, packet }, i) => {
      // Each device keeps its own phase even when its first packet went late (the ramp's connections queue),
      // so the fleet's reports stay spread over the interval instead of bunching behind the ramp.
      for (let next = started + (i / fleet.length) * intervalMs, first = true; next < until; next += intervalMs, first = false) {
        await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
        const sentAt = Date.now();
        const sent = performance.now();
        await device.send(packet(sentAt));
        // The first packet also pays for connecting and logging in: ACK latency is measured on the rest.
        if (!first) acks.push({ sentAt, ms: performance.now() - sent });
        else if (++connected === fleet.length) allConnectedAt = Date.now();
      }
    }),
  );
  clearInterval(sampler);
  for (const { device } of fleet) device.close();
  const steadyFrom = allConnectedAt + intervalMs;
  const steady = acks.filter((a) => a.sentAt >= steadyFrom).map((a) => a.ms).sort((a, b) => a - b);
  const all = acks.map((a) => a.ms).sort((a, b) => a - b);
  const row = (label: string, sorted: number[], rss: number) =>
    `| ${label} | ${sorted.length.toLocaleString('en')} | ${percentile(sorted, 50).toFixed(1)} ms | ${percentile(sorted, 99).toFixed(1)} ms | ${(sorted.at(-1) ?? 0).toFixed(1)} ms | ${rss.toFixed(0)} MB |`;
  console.log(`## ${connections.toLocaleString('en')} connections, one record every ${args.interval} each, ${args.duration}\n`);
  console.log(`All devices connected and logged in ${((allConnectedAt - started) / 1000).toFixed(1)} s after the first (the ramp asks for ${args.interval}); the steady state is the ${((until - steadyFrom) / 1000).toFixed(0)} s from one interval later.\n`);
  console.log('| period | packets acknowledged (after each first) | ACK p50 | ACK p99 | ACK max | gateway peak RSS |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  console.log(row('steady state', steady, steadyPeakRss));
  console.log(row('whole run, ramp included', all, peakRss));
  console.log(`\nGateway memory at the end: RssAnon ${statusMb(pid, 'RssAnon').toFixed(0)} MB, RssFile ${statusMb(pid, 'RssFile').toFixed(0)} MB (mapped libraries: the embedded engine's is ~230 MB).\n`);
}

async function throughput(pid: number): Promise<void> {
  const fleet = devices(throughputConnections, () => 10);
  const durationMs = ms(args['throughput-duration']);
  let records = 0;
  const started = Date.now();
  await Promise.all(
    fleet.map(async ({ device, packet }) => {
      while (Date.now() - started < durationMs) {
        await device.send(packet(Date.now()));
        records += 10;
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  for (const { device } of fleet) device.close();
  console.log(`## throughput: ${throughputConnections} connections, 10-record packets back to back, ${args['throughput-duration']}\n`);
  console.log('| records acknowledged | records/s into Kafka (acks=all) | gateway RSS after |');
  console.log('| ---: | ---: | ---: |');
  console.log(`| ${records.toLocaleString('en')} | ${Math.round(records / seconds).toLocaleString('en')} | ${rssMb(pid).toFixed(0)} MB |`);
}

await main();
