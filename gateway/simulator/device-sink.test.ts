import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePosition, parsePosition, type Position } from '../../core/position.ts';
import { backfillMessages } from '../../generator/backfill.ts';
import { fleetRoster } from '../../generator/roster.ts';
import { runCli } from '../../cli/run.ts';
import { openTestLake, type TestLake } from '../../test-support/lake.ts';
import { startMemoryGateway, type MemoryGateway } from '../../test-support/memory-gateway.ts';
import { captureStream } from '../../test-support/run-fleetlake.ts';
import { seededRandom } from '../../test-support/test-seed.ts';
import { createDeviceSink, parseDeviceSinkUrl, simulatedDevices, type DeviceProtocol } from './device-sink.ts';
import { simulatedImei } from './protocol-devices.ts';

/**
 * The device simulator against the gateway's real listeners: every vehicle
 * logs in on its own connection, packets carry 1..N records, and ACKs the
 * simulator pretends to have lost make it resend, which the gateway answers
 * without publishing twice.
 */
const fleet = { vehicles: 6, seed: 5, fromMs: Date.UTC(2026, 10, 2, 8), toMs: Date.UTC(2026, 10, 2, 8, 3), intervalMs: 5000 };
const generated = [...backfillMessages(fleet)].map((m) => {
  const check = parsePosition(m.value);
  if (!check.ok) throw new Error(check.detail);
  return check.position;
});

/** How far a protocol's wire form may move a coordinate: Teltonika 1e-7°, GT06 1/1,800,000°, OsmAnd none. */
const QUANTUM: Record<DeviceProtocol, number> = { teltonika: 0.5e-7, gt06: 0.5 / 1_800_000, osmand: 1e-12 };

describe('the device simulator (generate --sink teltonika:// | gt06:// | osmand://)', () => {
  let lake: TestLake;
  let memory: MemoryGateway;
  const roster = fleetRoster(fleet);
  beforeAll(async () => {
    lake = await openTestLake();
    const devices = (['teltonika', 'gt06', 'osmand'] as const).flatMap((p) => simulatedDevices(p, roster));
    memory = await startMemoryGateway(lake, devices.filter((d, i) => devices.findIndex((e) => e.device_id === d.device_id) === i));
  });
  afterAll(async () => {
    await memory?.gateway.stop();
    await lake?.dispose();
  });

  it('parses device sink URLs and derives 15-digit IMEIs', () => {
    expect(parseDeviceSinkUrl('teltonika://127.0.0.1:5027')).toEqual({ protocol: 'teltonika', host: '127.0.0.1', port: 5027 });
    expect(parseDeviceSinkUrl('osmand://[::1]:5055')).toEqual({ protocol: 'osmand', host: '::1', port: 5055 });
    expect(parseDeviceSinkUrl('gt06://host')).toBeUndefined();
    expect(parseDeviceSinkUrl('gt06://host:70000')).toBeUndefined();
    expect(simulatedImei('v-00042')).toBe('350000000000042');
    expect(simulatedImei('truck')).toMatch(/^36\d{13}$/);
  });

  it.each(['teltonika', 'gt06', 'osmand'] as const)('%s: every generated position arrives once, its values within the wire form\'s precision, though ACKs get lost', async (protocol) => {
    const { seed } = seededRandom(`device-sink-${protocol}`);
    const port = { teltonika: memory.gateway.ports.teltonika, gt06: memory.gateway.ports.gt06, osmand: memory.gateway.ports.osmand }[protocol];
    const sink = createDeviceSink({ protocol, host: '127.0.0.1', port, maxRecordsPerPacket: 7, ackTimeoutMs: 2000, seed, dropAckShare: protocol === 'osmand' ? 0 : 0.3 });
    const before = memory.positions.length;
    // Two sends, as the generator batches; close flushes what is left of partly filled packets.
    await sink.send(generated.slice(0, 50).map(message));
    await sink.send(generated.slice(50).map(message));
    await sink.close();
    const received = memory.positions.slice(before);
    expect(received).toHaveLength(generated.length);
    if (protocol !== 'osmand') expect(sink.stats.resends).toBeGreaterThan(0);
    const byKey = new Map(received.map((p) => [`${p.vehicle_id}@${protocol === 'gt06' ? Math.floor(p.ts_ms / 1000) : p.ts_ms}`, p]));
    expect(byKey.size).toBe(generated.length);
    for (const g of generated) {
      const r = byKey.get(`${g.vehicle_id}@${protocol === 'gt06' ? Math.floor(g.ts_ms / 1000) : g.ts_ms}`);
      if (!r) throw new Error(`${g.vehicle_id} at ${g.ts_ms} did not arrive`);
      expect(Math.abs(r.lat - g.lat)).toBeLessThanOrEqual(QUANTUM[protocol]);
      expect(Math.abs(r.lon - g.lon)).toBeLessThanOrEqual(QUANTUM[protocol]);
      expect(Math.abs(r.speed_kmh - g.speed_kmh)).toBeLessThanOrEqual(0.5);
      expect(r.heading_deg).toBe(Math.round(g.heading_deg) % 360);
      expect(r.vehicle_type).toBe(g.vehicle_type);
    }
  });

  it('fleetlake generate --sink gt06://HOST:PORT plays the fleet in this thread, every position once', async () => {
    const before = memory.positions.length;
    const stdout = captureStream(), stderr = captureStream();
    const args = ['generate', '--sink', `gt06://127.0.0.1:${memory.gateway.ports.gt06}`, '--vehicles', String(fleet.vehicles), '--seed', String(fleet.seed), '--interval', '5s'];
    const period = ['--from', new Date(fleet.fromMs).toISOString(), '--to', new Date(fleet.toMs).toISOString()];
    const code = await runCli([...args, ...period], { env: { FLEETLAKE_LOG_LEVEL: 'silent' }, stdout, stderr, stopSignal: AbortSignal.timeout(30_000) });
    expect(code, stderr.text()).toBe(0);
    const received = memory.positions.slice(before);
    expect(new Set(received.map((p) => `${p.vehicle_id}@${Math.floor(p.ts_ms / 1000)}`)).size).toBe(generated.length);
    expect(received).toHaveLength(generated.length);
  });
});

const message = (p: Position) => ({ key: p.vehicle_id, value: encodePosition(p) });
