import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { queryRows } from '../core/clickhouse.ts';
import { createSilentLogger } from '../core/logger.ts';
import { encodePosition, parsePosition, type Position } from '../core/position.ts';
import { backfillMessages } from '../generator/backfill.ts';
import { runIngest } from '../ingest/run-ingest.ts';
import { createKafkaSource, kafkaSourceOptions } from '../ingest/sources/kafka.ts';
import { testIngestConfig } from '../ingest/testing/ingest-config.ts';
import { createTestTopics, type TestTopics } from '../ingest/testing/kafka-topics.ts';
import { openTestLake, type TestLake } from '../test-support/lake.ts';
import { readTopic } from '../test-support/read-topic.ts';
import { seededRandom } from '../test-support/test-seed.ts';
import { createDeviceStore } from './device-store.ts';
import { decodeFrameRecord, type FrameRecord } from './frame-record.ts';
import { runFrameArchiver } from './frame-archiver.ts';
import { createKafkaOutput } from './gateway-output.ts';
import { startGateway, type RunningGateway } from './run-gateway.ts';
import { createDeviceSink, simulatedDevices, type DeviceProtocol, type DeviceSink } from './simulator/device-sink.ts';

/**
 * The whole path with the real broker and the real engine: simulated devices
 * of all three protocols → gateway → Kafka (acks=all) → ingest →
 * fleet.positions. Every stored value is compared with what the device's wire
 * form makes of the generated position; the archive topic must hold every
 * frame the gateway received, resends included.
 */
const PROTOCOLS: readonly DeviceProtocol[] = ['teltonika', 'gt06', 'osmand'];
const FROM = Date.now() - 3_600_000;

/** Each protocol its own vehicles (v-1…, v-2…, v-3…), so IMEIs and vehicle ids never collide. */
function fleetFor(protocol: DeviceProtocol, k: number): Position[] {
  return [...backfillMessages({ vehicles: 8, seed: 11 + k, fromMs: FROM, toMs: FROM + 4 * 60_000, intervalMs: 5000 })].map((m) => {
    const check = parsePosition(m.value);
    if (!check.ok) throw new Error(check.detail);
    return { ...check.position, vehicle_id: `v-${k + 1}${check.position.vehicle_id.replace(/\D/g, '')}` };
  });
}

/** What fleet.positions must hold for a generated position sent by a device of this protocol, in stored units. */
function stored(protocol: DeviceProtocol, p: Position) {
  const gt06 = (deg: number) => Math.sign(deg) * (Math.round(Math.abs(deg) * 1_800_000) / 1_800_000);
  const wire = protocol === 'teltonika' ? (d: number) => Math.round(d * 1e7) / 1e7 : protocol === 'gt06' ? gt06 : (d: number) => d;
  const speed = protocol === 'teltonika' ? Math.round(p.speed_kmh) : protocol === 'gt06' ? Math.min(255, Math.round(p.speed_kmh)) : (p.speed_kmh / 1.852) * 1.852;
  return {
    vehicle_id: p.vehicle_id,
    ts: String(protocol === 'gt06' ? Math.floor(p.ts_ms / 1000) * 1000 : p.ts_ms),
    lat: String(Math.round(wire(p.lat) * 1e6)),
    lon: String(Math.round(wire(p.lon) * 1e6)),
    speed: String(Math.round(speed * 10)),
    heading: Math.round(p.heading_deg) % 360,
    satellites: protocol === 'osmand' ? null : 9,
  };
}

describe('devices → gateway → Kafka → ingest → fleet.positions', () => {
  let lake: TestLake;
  let topics: TestTopics;
  let gateway: RunningGateway;
  const framesTopic = `frames-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    lake = await openTestLake();
    topics = await createTestTopics(inject('kafkaBrokers'), 3);
  });
  afterAll(async () => {
    await gateway?.stop();
    await topics?.close();
    await lake?.dispose();
  });

  it('stores every position once with exact values, and archives every frame', async () => {
    const logger = createSilentLogger();
    const base = testIngestConfig(lake.dataDir, inject('kafkaBrokers'), topics, { batch_rows: 500, batch_max_wait: '200ms' });
    const config = { ...base, gateway: { ...base.gateway, host: '127.0.0.1', teltonika_port: 0, gt06_port: 0, osmand_port: 0, frames_topic: framesTopic } };
    const fleets = PROTOCOLS.map((protocol, k) => ({ protocol, positions: fleetFor(protocol, k) }));
    await createDeviceStore(lake.ch.client).put(
      fleets.flatMap(({ protocol, positions }) => simulatedDevices(protocol, [...new Map(positions.map((p) => [p.vehicle_id, p])).values()])),
      'cli',
    );
    gateway = await startGateway({ config, client: lake.ch.client, output: await createKafkaOutput(config, logger), logger });

    const { seed } = seededRandom('gateway-kafka');
    const sinks: DeviceSink[] = [];
    await Promise.all(
      fleets.map(async ({ protocol, positions }) => {
        const port = protocol === 'teltonika' ? gateway.ports.teltonika : protocol === 'gt06' ? gateway.ports.gt06 : gateway.ports.osmand;
        const sink = createDeviceSink({ protocol, host: '127.0.0.1', port, maxRecordsPerPacket: 10, ackTimeoutMs: 5000, seed, dropAckShare: protocol === 'osmand' ? 0 : 0.2 });
        sinks.push(sink);
        await sink.send(positions.map((p) => ({ key: p.vehicle_id, value: encodePosition(p) })));
        await sink.close();
      }),
    );
    const total = fleets.reduce((s, f) => s + f.positions.length, 0);

    const stop = new AbortController();
    const summary = await runIngest({ source: createKafkaSource(kafkaSourceOptions(config, logger)), client: lake.ch.client, config, logger, signal: stop.signal, onBatch: (t) => t.rows >= total && stop.abort() });
    expect(summary.rows).toBe(total);

    const rows = await queryRows<ReturnType<typeof stored>>(
      lake.ch.client,
      `SELECT vehicle_id, toString(toUnixTimestamp64Milli(ts)) AS ts, toString(toInt64(toDecimal64(lat, 6) * 1000000)) AS lat, toString(toInt64(toDecimal64(lon, 6) * 1000000)) AS lon,
              toString(toInt64(toDecimal64(speed_kmh, 1) * 10)) AS speed, heading_deg AS heading, satellites
       FROM fleet.positions ORDER BY vehicle_id, ts`,
    );
    const expected = fleets.flatMap(({ protocol, positions }) => positions.map((p) => stored(protocol, p))).sort((a, b) => (a.vehicle_id < b.vehicle_id ? -1 : a.vehicle_id > b.vehicle_id ? 1 : Number(a.ts) - Number(b.ts)));
    expect(rows).toEqual(expected);

    // The archive: every frame the gateway received, logins and resends included.
    const records = (values: string[]) => values.map(decodeFrameRecord).filter((f): f is FrameRecord => f !== undefined);
    const frames = records(
      await readTopic(topics.kafka, framesTopic, (values) => {
        const data = records(values).filter((f) => (f.outcome === 'ok' || f.outcome === 'duplicate') && f.detail !== 'login');
        return data.length >= sinks.reduce((s, k) => s + k.stats.packets + k.stats.resends, 0);
      }),
    );
    expect(frames.reduce((s, f) => s + f.positions, 0)).toBe(total);
    for (const [k, protocol] of PROTOCOLS.entries()) {
      const mine = frames.filter((f) => f.protocol === protocol && f.detail !== 'login');
      expect(mine.length).toBe(sinks[k]!.stats.packets + sinks[k]!.stats.resends);
      expect(mine.filter((f) => f.outcome === 'duplicate').length).toBe(sinks[k]!.stats.resends);
    }
    expect(sinks[0]!.stats.resends + sinks[1]!.stats.resends).toBeGreaterThan(0);

    // The archiver copies the topic into fleet.device_frames, bytes intact.
    const archiveStop = new AbortController();
    const archiveSource = createKafkaSource({ ...kafkaSourceOptions(config, logger), topic: framesTopic, groupId: `${framesTopic}-archive` });
    const archived = await runFrameArchiver({
      source: archiveSource,
      client: lake.ch.client,
      logger,
      signal: archiveStop.signal,
      maxWaitMs: 200,
      onInsert: (n) => n >= frames.length && archiveStop.abort(),
    });
    expect(archived).toBe(frames.length);
    const table = await queryRows<{ protocol: string; outcome: string; frame: string }>(lake.ch.client, 'SELECT protocol, outcome, hex(frame) AS frame FROM fleet.device_frames');
    const key = (f: { protocol: string; outcome: string; frame: string }) => `${f.protocol}|${f.outcome}|${f.frame.toUpperCase()}`;
    expect(table.map(key).sort()).toEqual(frames.map((f) => key({ protocol: f.protocol, outcome: f.outcome, frame: f.frame.toString('hex') })).sort());
  }, 180_000);
});
