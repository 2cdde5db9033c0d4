import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createKafkaClient } from '../core/kafka-client.ts';
import { encodePosition, parsePosition, type Position } from '../core/position.ts';
import { backfillMessages } from '../generator/backfill.ts';
import { fleetRoster } from '../generator/roster.ts';
import { readTopic } from '../test-support/read-topic.ts';
import { runFleetlake } from '../test-support/run-fleetlake.ts';
import { spawnFleetlake, type FleetlakeChild } from '../test-support/spawn-fleetlake.ts';
import { seededRandom } from '../test-support/test-seed.ts';
import { createDeviceSink, simulatedDevices } from './simulator/device-sink.ts';

/**
 * `kill -9` of `fleetlake gateway` mid-stream, then a restart on the same
 * port: the simulated devices resend what was not acknowledged, and the
 * positions topic must hold every position a device was told is stored.
 */
describe('the gateway killed mid-stream', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlake-gateway-crash-'));
  const suffix = randomUUID().slice(0, 8);
  const topic = `gateway-crash-${suffix}`;
  const port = 21_000 + Math.floor(Math.random() * 20_000);
  const env = {
    FLEETLAKE_DATA_DIR: dir,
    KAFKA_BROKERS: inject('kafkaBrokers').join(','),
    FLEETLAKE_TOPIC: topic,
    FLEETLAKE_GATEWAY_FRAMES_TOPIC: `gateway-crash-frames-${suffix}`,
    FLEETLAKE_GATEWAY_METRICS_PORT: '0',
  };
  const fleet = { vehicles: 10, seed: 3, fromMs: Date.now() - 3_600_000, toMs: Date.now() - 3_600_000 + 5 * 60_000, intervalMs: 5000 };
  const positions: Position[] = [...backfillMessages(fleet)].map((m) => {
    const check = parsePosition(m.value);
    if (!check.ok) throw new Error(check.detail);
    return check.position;
  });
  let gateway: FleetlakeChild | undefined;

  const start = async () => {
    const child = spawnFleetlake(['gateway', '--host', '127.0.0.1', '--teltonika-port', String(port), '--gt06-port', String(port + 1), '--osmand-port', String(port + 2)], env);
    while (!child.output().includes('gateway listening')) {
      if (child.process.exitCode !== null) throw new Error(`the gateway did not start:\n${child.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return child;
  };

  beforeAll(async () => {
    expect((await runFleetlake(['migrate'], env)).code).toBe(0);
    const csv = join(dir, 'devices.csv');
    writeFileSync(csv, simulatedDevices('teltonika', fleetRoster(fleet)).map((d) => `${d.device_id},${d.vehicle_id},${d.vehicle_type}`).join('\n'));
    expect((await runFleetlake(['devices', 'import', csv], env)).code).toBe(0);
  });
  afterAll(async () => {
    gateway?.process.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses nothing a device was told is stored', async () => {
    gateway = await start();
    const { seed } = seededRandom('gateway-crash');
    const sink = createDeviceSink({ protocol: 'teltonika', host: '127.0.0.1', port, maxRecordsPerPacket: 3, ackTimeoutMs: 1500, seed });
    // Half the positions go through before the crash, the rest across it.
    await sink.send(positions.slice(0, positions.length / 2).map((p) => ({ key: p.vehicle_id, value: encodePosition(p) })));
    const sending = sink.send(positions.slice(positions.length / 2).map((p) => ({ key: p.vehicle_id, value: encodePosition(p) })));
    await new Promise((r) => setTimeout(r, 50));
    gateway.process.kill('SIGKILL');
    await gateway.exited;
    gateway = await start();
    await sending;
    await sink.close();
    expect(sink.stats.positions).toBe(positions.length);
    // The kill did hit devices mid-packet: they had to send again.
    expect(sink.stats.resends).toBeGreaterThan(0);

    const kafka = createKafkaClient({ brokers: inject('kafkaBrokers'), clientId: `gateway-crash-${suffix}` });
    const key = (p: Position) => `${p.vehicle_id}@${p.ts_ms}`;
    const wanted = new Set(positions.map(key));
    const seen = new Set<string>();
    const values = await readTopic(kafka, topic, (vs) => {
      const check = parsePosition(vs[vs.length - 1]!);
      if (check.ok) seen.add(key(check.position));
      return seen.size === wanted.size;
    });
    // Every acknowledged position is there; copies are only possible for frames in flight at the kill (docs/gateway.md, "The window").
    expect([...wanted].filter((k) => !seen.has(k))).toEqual([]);
    expect(values.length - wanted.size).toBeLessThanOrEqual(10 * 3);
    gateway.process.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
    gateway = undefined;
  }, 120_000);
});
