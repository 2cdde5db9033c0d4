import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { openClickHouse, queryRows } from '../core/clickhouse.ts';
import { loadConfig } from '../core/config.ts';
import { encodePosition } from '../core/position.ts';
import { createDeviceSink } from '../gateway/simulator/device-sink.ts';
import { runFleetlake } from '../test-support/run-fleetlake.ts';
import { until } from '../test-support/until.ts';
import type { LakeStatus } from './status-page.ts';

const BIN = fileURLToPath(new URL('../bin/fleetlake.js', import.meta.url));

interface Running {
  readonly child: ChildProcess;
  readonly apiUrl: string;
  readonly output: () => string;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** `fleetlake start` as a user runs it, in its own process, on free ports. */
async function start(dataDir: string, env: NodeJS.ProcessEnv = {}, vehicles = '200'): Promise<Running> {
  const ports = ['--port', '0', '--clickhouse-http-port', '0', '--teltonika-port', '0', '--gt06-port', '0', '--osmand-port', '0'];
  const child = spawn(process.execPath, [BIN, 'start', '--vehicles', vehicles, '--interval', '1s', ...ports], {
    env: { ...process.env, KAFKA_BROKERS: '', FLEETLAKE_LOG_LEVEL: 'warn', FLEETLAKE_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const apiUrl = await until(() => /fleetlake is running: (\S+)/.exec(output)?.[1], 60_000, () => `no start within 60 s:\n${output}`);
  return { child, apiUrl, output: () => output };
}

const status = async (apiUrl: string) => (await (await fetch(`${apiUrl}/v1/status`)).json()) as LakeStatus;

async function stop(running: Running): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => running.child.once('exit', (code) => resolve(code)));
  running.child.kill('SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`still running 60 s after SIGINT:\n${running.output()}`)), 60_000);
  });
  try {
    return await Promise.race([exited, stuck]);
  } finally {
    clearTimeout(timer);
  }
}

describe('fleetlake start (the all-in-one behind npm start)', () => {
  it('runs generator → in-process queue → ingest → lake → API, stops without losing anything, and restarts on the same data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fleetlake-start-'));
    const first = await start(dataDir);

    expect((await fetch(`${first.apiUrl}/health`)).status).toBe(200);
    const early = await until(async () => {
      const s = await status(first.apiUrl);
      return s.rows_stored > 0 ? s : undefined;
    }, 30_000, () => `no rows stored:\n${first.output()}`);
    const later = await until(async () => {
      const s = await status(first.apiUrl);
      return s.rows_stored > early.rows_stored ? s : undefined;
    }, 10_000, () => 'the row count did not grow');
    expect(later.vehicles).toBeGreaterThan(0);
    const latest = (await (await fetch(`${first.apiUrl}/v1/vehicles/latest`)).json()) as { vehicles: unknown[] };
    expect(latest.vehicles.length).toBeGreaterThan(0);
    const page = await (await fetch(first.apiUrl)).text();
    expect(page).toContain('positions / s');
    // npm start on loopback needs no key, and says so where the operator looks.
    expect(page).toContain('API authentication is off (api.auth, loopback only)');

    // The running process owns the lake; `fleetlake sql` still answers, through its HTTP interface.
    const sql = await runFleetlake(['sql', 'SELECT count() > 0 FROM fleet.positions'], { FLEETLAKE_DATA_DIR: dataDir });
    expect(sql.code).toBe(0);
    expect(sql.stdout).toBe('1\n');
    expect(sql.stderr).toContain('reading it through http://127.0.0.1:');

    const lastSeen = (await status(first.apiUrl)).rows_stored;
    expect(await stop(first)).toBe(0);
    expect(first.output()).toContain('everything accepted is stored');

    const ch = openClickHouse(loadConfig({ env: { FLEETLAKE_DATA_DIR: dataDir } }));
    const [stored] = await queryRows<{ n: string; rejects: string }>(ch.client, 'SELECT (SELECT count() FROM fleet.positions) AS n, (SELECT count() FROM fleet.ingest_rejects) AS rejects');
    await ch.close();
    expect(Number(stored?.n)).toBeGreaterThanOrEqual(lastSeen);
    expect(stored?.rejects).toBe('0');

    const second = await start(dataDir);
    const resumed = await status(second.apiUrl);
    expect(resumed.rows_stored).toBeGreaterThanOrEqual(Number(stored?.n));
    expect(await stop(second)).toBe(0);
  }, 240_000);

  it('with --vehicles 0 is a lake fed by devices only: a tracker is acknowledged once the queue took its positions, its frames are in fleet.device_frames', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fleetlake-start-devices-'));
    const running = await start(dataDir, { FLEETLAKE_GATEWAY_UNKNOWN_DEVICES: 'register', FLEETLAKE_GATEWAY_HOST: '127.0.0.1' }, '0');
    const port = Number(await until(() => /Teltonika (\d+)/.exec(running.output())?.[1], 10_000, () => `no gateway ports printed:\n${running.output()}`));
    const at = Date.now() - 60_000;
    const sink = createDeviceSink({ protocol: 'teltonika', host: '127.0.0.1', port, maxRecordsPerPacket: 2, ackTimeoutMs: 5000, seed: 1 });
    const positions = [0, 1, 2].map((i) => ({ vehicle_id: 'v-7', ts_ms: at + i * 5000, lat: -33.5 + i / 1e4, lon: 151.2, speed_kmh: 20, heading_deg: 90, vehicle_type: '' }));
    await sink.send(positions.map((p) => ({ key: p.vehicle_id, value: encodePosition(p) })));
    await sink.close();
    await until(async () => ((await status(running.apiUrl)).rows_stored >= 3 ? true : undefined), 30_000, () => `the tracker's positions were not stored:\n${running.output()}`);
    expect(await stop(running)).toBe(0);

    const ch = openClickHouse(loadConfig({ env: { FLEETLAKE_DATA_DIR: dataDir } }));
    // unknown_devices = register: the device is filed under its own IMEI.
    const stored = await queryRows<{ vehicle_id: string; lat: number }>(ch.client, 'SELECT vehicle_id, toFloat64(lat) AS lat FROM fleet.positions ORDER BY ts');
    const frames = await queryRows<{ outcome: string; detail: string; n: string }>(ch.client, 'SELECT outcome, detail, count() AS n FROM fleet.device_frames GROUP BY outcome, detail ORDER BY detail');
    await ch.close();
    expect(stored).toEqual(positions.map((p) => ({ vehicle_id: '350000000000007', lat: p.lat })));
    expect(frames).toEqual([{ outcome: 'ok', detail: '', n: String(sink.stats.packets) }, { outcome: 'ok', detail: 'login', n: '1' }]);
  }, 180_000);

  it('goes through the broker when KAFKA_BROKERS is set', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fleetlake-start-kafka-'));
    const topic = `allinone-${randomUUID()}`;
    const running = await start(dataDir, {
      KAFKA_BROKERS: inject('kafkaBrokers').join(','),
      FLEETLAKE_TOPIC: topic,
      FLEETLAKE_INGEST_GROUP: `allinone-${randomUUID()}`,
      FLEETLAKE_TOPIC_PARTITIONS: '2',
      FLEETLAKE_GATEWAY_FRAMES_TOPIC: `${topic}-frames`,
      FLEETLAKE_GATEWAY_ARCHIVE_GROUP: `${topic}-archive`,
      FLEETLAKE_GATEWAY_UNKNOWN_DEVICES: 'register',
      FLEETLAKE_GATEWAY_HOST: '127.0.0.1',
    });
    const page = await (await fetch(running.apiUrl)).text();
    expect(page).toContain('Kafka (');
    await until(async () => ((await status(running.apiUrl)).rows_stored > 0 ? true : undefined), 45_000, () => `nothing arrived through Kafka:\n${running.output()}`);
    // A tracker's frames go through the frames topic and the archiver in the same process into fleet.device_frames.
    const port = Number(/Teltonika (\d+)/.exec(running.output())?.[1]);
    const lake = /over ClickHouse HTTP: (\S+)/.exec(running.output())?.[1];
    const sink = createDeviceSink({ protocol: 'teltonika', host: '127.0.0.1', port, maxRecordsPerPacket: 1, ackTimeoutMs: 5000, seed: 1 });
    const at = Date.now() - 60_000;
    await sink.send([0, 1].map((i) => ({ key: 'v-8', value: encodePosition({ vehicle_id: 'v-8', ts_ms: at + i * 5000, lat: 45.5, lon: -73.56, speed_kmh: 20, heading_deg: 90, vehicle_type: '' }) })));
    await sink.close();
    const archived = async () => {
      const response = await fetch(`${lake}/?query=${encodeURIComponent("SELECT count() FROM fleet.device_frames WHERE device_id = '350000000000008'")}`);
      return Number((await response.text()).trim());
    };
    await until(async () => ((await archived()) >= 1 + sink.stats.packets ? true : undefined), 30_000, () => `the tracker's frames did not reach fleet.device_frames:\n${running.output()}`);
    expect(await stop(running)).toBe(0);
  }, 180_000);
});
