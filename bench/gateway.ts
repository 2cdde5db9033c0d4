/**
 * npm run bench:gateway [-- --connections 20000 --interval 5s --duration 60s --throughput-connections 400 --throughput-duration 30s]
 *
 * The gateway in a process of its own (`fleetlake gateway`, its registry in a
 * temporary embedded lake), the broker at KAFKA_BROKERS (required), and the
 * device simulator's Teltonika clients in this process:
 *   1. concurrency: N connections, each sending a one-record packet every
 *      interval; ACK latency percentiles as devices see them, gateway RSS;
 *   2. throughput: M connections sending 10-record packets back to back;
 *      records per second acknowledged (so in Kafka with acks=all).
 * Every simulated device connects from 127.0.0.1, so the per-address cap is
 * lifted for the run. Defaults are a short run (2,000 connections); the issue's figure needs
 * --connections 20000, which needs a file-descriptor limit above 20,000 in
 * both processes (ulimit -n). --gateway-cpu-prof DIR writes a CPU profile of
 * the gateway process there when it stops (node --cpu-prof).
 */
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
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fleetlake-bench-gateway-'));
  const env = { FLEETLAKE_DATA_DIR: dataDir, KAFKA_BROKERS: brokers, FLEETLAKE_TOPIC: `bench-gateway-${suffix}`, FLEETLAKE_GATEWAY_FRAMES_TOPIC: `bench-gateway-frames-${suffix}`, FLEETLAKE_LOG_LEVEL: 'warn', FLEETLAKE_GATEWAY_METRICS_PORT: '0', FLEETLAKE_GATEWAY_MAX_CONNECTIONS_PER_ADDRESS: '1000000' };
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
    await concurrency(gateway.process.pid!);
    await throughput(gateway.process.pid!);
  } finally {
    gateway.process.kill('SIGTERM');
    await gateway.exited;
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
  const until = Date.now() + ms(args.duration);
  const fleet = devices(connections, () => 1);
  const latencies: number[] = [];
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(pid))), 500);
  // Devices start spread over one interval, as a real fleet's reports are.
  await Promise.all(
    fleet.map(async ({ device, packet }, i) => {
      await new Promise((r) => setTimeout(r, (i / fleet.length) * intervalMs));
      for (let next = Date.now(), first = true; next < until; next += intervalMs, first = false) {
        await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
        const started = performance.now();
        await device.send(packet(Date.now()));
        // The first packet also pays for connecting and logging in: ACK latency is measured on the rest.
        if (!first) latencies.push(performance.now() - started);
      }
    }),
  );
  clearInterval(sampler);
  for (const { device } of fleet) device.close();
  latencies.sort((a, b) => a - b);
  console.log(`## ${connections.toLocaleString('en')} connections, one record every ${args.interval} each, ${args.duration}\n`);
  console.log('| packets acknowledged (after each first) | ACK p50 | ACK p99 | ACK max | gateway peak RSS |');
  console.log('| ---: | ---: | ---: | ---: | ---: |');
  console.log(`| ${latencies.length.toLocaleString('en')} | ${percentile(latencies, 50).toFixed(1)} ms | ${percentile(latencies, 99).toFixed(1)} ms | ${(latencies.at(-1) ?? 0).toFixed(1)} ms | ${peakRss.toFixed(0)} MB |\n`);
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
