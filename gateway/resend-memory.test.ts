import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../core/clickhouse.ts';
import { loadConfig } from '../core/config.ts';
import { createSilentLogger } from '../core/logger.ts';
import type { OutgoingMessage } from '../generator/sink.ts';
import { openTestLake, type TestLake } from '../test-support/lake.ts';
import { openTcpProbe } from '../test-support/tcp-probe.ts';
import { createDeviceStore } from './device-store.ts';
import { createFrameTableSink } from './frame-table.ts';
import { createSinkOutput } from './gateway-output.ts';
import { startGateway, type RunningGateway } from './run-gateway.ts';
import { CODEC_8 } from './teltonika/avl-data.ts';
import { encodeTeltonikaAvl, encodeTeltonikaImei } from './teltonika/tcp-frame.ts';

/**
 * A gateway restarted between the broker's ACK and the device's (here: the
 * frame archive written with the positions, as in `fleetlake start`): the
 * device sends the packet again, and the new process recognises it from the
 * archive instead of publishing its positions twice.
 */
const IMEI = '356307042441013';
const T = Date.UTC(2026, 11, 6, 9, 0, 0);

describe('resend memory across a gateway restart', () => {
  let lake: TestLake;
  const running: RunningGateway[] = [];

  /** A gateway whose positions go to `published` and whose frames go into fleet.device_frames. */
  const start = async (published: OutgoingMessage[]) => {
    const output = createSinkOutput({ send: async (batch) => void published.push(...batch), close: async () => {} }, createFrameTableSink(lake.ch.client));
    const config = loadConfig({ env: {}, overrides: { gateway: { host: '127.0.0.1', teltonika_port: 0, gt06_port: 0, osmand_port: 0 } } });
    const gateway = await startGateway({ config, client: lake.ch.client, output, logger: createSilentLogger() });
    running.push(gateway);
    return gateway;
  };
  const packet = encodeTeltonikaAvl({
    codec: CODEC_8,
    records: [0, 1].map((i) => ({ timestampMs: T + i * 1000, priority: 0, lonE7: -735_678_900, latE7: 455_012_300, altitudeM: 38, angleDeg: 90, satellites: 9, speedKmh: 30, io: { eventId: 0, one: [], two: [], four: [], eight: [], nx: [] } })),
  });
  const deliver = async (gateway: RunningGateway) => {
    const device = await openTcpProbe(gateway.ports.teltonika);
    device.send(encodeTeltonikaImei(IMEI));
    expect((await device.read(1)).toString('hex')).toBe('01');
    device.send(packet);
    expect((await device.read(4)).toString('hex')).toBe('00000002');
    device.end();
  };

  beforeAll(async () => {
    lake = await openTestLake();
    await createDeviceStore(lake.ch.client).put([{ device_id: IMEI, vehicle_id: 'truck-12', vehicle_type: 'truck', enabled: true }], 'cli');
  });
  afterAll(async () => {
    for (const g of running) await g.stop().catch(() => {});
    await lake?.dispose();
  });

  it('acknowledges a resend of a frame the previous process published, without publishing it again', async () => {
    const first: OutgoingMessage[] = [];
    const before = await start(first);
    await deliver(before);
    expect(first).toHaveLength(2);
    await before.stop();

    const second: OutgoingMessage[] = [];
    const after = await start(second);
    await deliver(after);
    expect(second).toEqual([]);
    const outcomes = await queryRows<{ outcome: string; positions: string }>(lake.ch.client, "SELECT outcome, toString(positions) AS positions FROM fleet.device_frames WHERE detail != 'login' ORDER BY received_at");
    expect(outcomes).toEqual([{ outcome: 'ok', positions: '2' }, { outcome: 'duplicate', positions: '0' }]);
  });
});
