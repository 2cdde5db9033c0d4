import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../core/clickhouse.ts';
import { createLogger } from '../core/logger.ts';
import { openTestLake, type TestLake } from '../test-support/lake.ts';
import { createDeviceRegistry, type DeviceRegistry } from './device-registry.ts';
import { createDeviceStore } from './device-store.ts';
import { encodeFrameRecord, type GatewayProtocol } from './frame-record.ts';
import { createFrameTableSink } from './frame-table.ts';
import { encodeGt06Frame } from './gt06/gt06-frame.ts';
import { encodeGt06Message, type Gt06Location } from './gt06/gt06-message.ts';
import { encodeOsmandQuery } from './osmand/osmand-report.ts';
import { replayFrames, type ReplayOptions } from './replay-frames.ts';
import { CODEC_8, CODEC_8E, type AvlRecord } from './teltonika/avl-data.ts';
import { encodeTeltonikaAvl, encodeTeltonikaImei } from './teltonika/tcp-frame.ts';
import { encodeTeltonikaUdp } from './teltonika/udp-datagram.ts';

/**
 * `fleetlake gateway replay` against the real embedded engine: archived frames
 * of every protocol go back through the decoders and the registry into
 * fleet.positions, and replaying again — or replaying frames whose positions
 * the live path already stored — writes nothing twice.
 */
const IMEI = '356307042441013';
const GT06_IMEI = '123456789012345';
const UDP_IMEI = '352093086403655';
const T = Date.UTC(2026, 11, 6, 9, 0, 0);
const RECEIVED = T + 2000;

const record = (i: number, change: Partial<AvlRecord> = {}): AvlRecord => ({
  timestampMs: T + i * 1000, priority: 0, lonE7: -735_678_900 + i, latE7: 455_012_300 + i, altitudeM: 38, angleDeg: 360, satellites: 9, speedKmh: 30 + i,
  io: { eventId: 0, one: [{ id: 239, value: 1 }], two: [], four: [], eight: [], nx: [] },
  ...change,
});
const location: Gt06Location = {
  type: 'location', protocol: 0x12, timestampMs: T, gpsInfoLength: 12, satellites: 7, lat: -23.5, lon: -46.625, speedKmh: 40, courseDeg: 359, positioned: true, statusHigh: 0,
  mcc: 724, mnc: 5, lac: 1, cellId: 2, tail: Buffer.alloc(0),
};

describe('gateway replay', () => {
  let lake: TestLake;
  let registry: DeviceRegistry;
  let options: ReplayOptions;
  const positions = () =>
    queryRows<{ vehicle_id: string; ts: string; lat: number; lon: number; device_id: string }>(
      lake.ch.client,
      `SELECT vehicle_id, toString(ts) AS ts, toFloat64(lat) AS lat, toFloat64(lon) AS lon, device_id FROM fleet.positions ORDER BY vehicle_id, ts`,
    );

  beforeAll(async () => {
    lake = await openTestLake();
    const store = createDeviceStore(lake.ch.client);
    await store.put(
      [
        { device_id: IMEI, vehicle_id: 'truck-12', vehicle_type: 'truck', enabled: true },
        { device_id: GT06_IMEI, vehicle_id: 'van-3', vehicle_type: 'van', enabled: true },
        { device_id: 'phone-7', vehicle_id: 'bike-7', vehicle_type: 'bike', enabled: true },
      ],
      'cli',
    );
    const frame = (protocol: GatewayProtocol, deviceId: string, bytes: Buffer, outcome: string, at = RECEIVED) =>
      encodeFrameRecord({ receivedAtMs: at, deviceId, protocol, remote: '127.0.0.1:4000', outcome, detail: '', positions: 0, frame: bytes });
    await createFrameTableSink(lake.ch.client).send([
      frame('teltonika', IMEI, encodeTeltonikaImei(IMEI), 'ok'),
      frame('teltonika', IMEI, encodeTeltonikaAvl({ codec: CODEC_8E, records: [record(0), record(1), record(2, { satellites: 0 })] }), 'ok'),
      // The same packet again, a resend the live gateway archived as a duplicate.
      frame('teltonika', IMEI, encodeTeltonikaAvl({ codec: CODEC_8E, records: [record(0), record(1), record(2, { satellites: 0 })] }), 'duplicate', RECEIVED + 5),
      frame('teltonika', IMEI, encodeTeltonikaAvl({ codec: CODEC_8, records: [record(3)] }), 'ok', RECEIVED + 10),
      frame('gt06', GT06_IMEI, encodeGt06Frame({ ...encodeGt06Message(location), serial: 2 }), 'ok'),
      frame('osmand', 'phone-7', Buffer.from(`GET /?${encodeOsmandQuery({ deviceId: 'phone-7', timestampMs: T, lat: 45.5, lon: -73.56, speedKmh: 18.52 })}\n`), 'ok'),
      // Refused when it came in; registered since (below): replay recovers its record.
      frame('teltonika-udp', UDP_IMEI, encodeTeltonikaUdp({ packetId: 1, avlPacketId: 1, imei: UDP_IMEI, data: { codec: CODEC_8, records: [record(40)] } }), 'unknown_device'),
      frame('teltonika', '', Buffer.from('not a tracker'), 'garbage'),
      // Outside the replayed period.
      frame('teltonika', IMEI, encodeTeltonikaAvl({ codec: CODEC_8, records: [record(99)] }), 'ok', RECEIVED + 86_400_000),
    ]);
    await store.put([{ device_id: UDP_IMEI, vehicle_id: 'car-1', vehicle_type: '', enabled: true }], 'cli');
    registry = await createDeviceRegistry({ store, policy: 'reject', refreshMs: 60_000, logger: createLogger('silent') });
    options = { client: lake.ch.client, fromMs: T, toMs: T + 3_600_000, registry, maxFrameBytes: 4096, maxPastMs: 7 * 365 * 86_400_000, maxFutureMs: 300_000, pageFrames: 3 };
  });
  afterAll(async () => {
    registry.close();
    await lake.dispose();
  });

  it('skips positions the live path already stored, writes the others, and writes nothing on a second run', async () => {
    // What the live gateway and ingest stored from the first Teltonika packet.
    const live = await lake.ch.client.exec({
      query: 'INSERT INTO fleet.positions (vehicle_id, ts, lat, lon, speed_kmh, heading_deg, vehicle_type, device_id) FORMAT TabSeparated',
      values: Readable.from([`truck-12\t${T / 1000}.000\t45.50123\t-73.56789\t30\t0\ttruck\t${IMEI}\ntruck-12\t${(T + 1000) / 1000}.000\t45.50123\t-73.56789\t31\t0\ttruck\t${IMEI}\n`]),
    });
    live.stream.destroy();

    const first = await replayFrames(options);
    expect(first).toEqual({
      frames: 8, positions: 8, alreadyStored: 4, inserted: 4, withoutFix: 2,
      rejected: { garbage: 1 }, unregistered: [],
    });
    const stored = await positions();
    expect(stored).toEqual([
      { vehicle_id: 'bike-7', ts: '2026-12-06 09:00:00.000', lat: 45.5, lon: -73.56, device_id: 'phone-7' },
      { vehicle_id: 'car-1', ts: '2026-12-06 09:00:40.000', lat: 45.501234, lon: -73.567886, device_id: UDP_IMEI },
      { vehicle_id: 'truck-12', ts: '2026-12-06 09:00:00.000', lat: 45.50123, lon: -73.56789, device_id: IMEI },
      { vehicle_id: 'truck-12', ts: '2026-12-06 09:00:01.000', lat: 45.50123, lon: -73.56789, device_id: IMEI },
      { vehicle_id: 'truck-12', ts: '2026-12-06 09:00:03.000', lat: 45.50123, lon: -73.56789, device_id: IMEI },
      { vehicle_id: 'van-3', ts: '2026-12-06 09:00:00.000', lat: -23.5, lon: -46.625, device_id: GT06_IMEI },
    ]);

    const again = await replayFrames(options);
    expect(again).toMatchObject({ frames: 8, positions: 8, alreadyStored: 8, inserted: 0 });
    expect(await positions()).toEqual(stored);
  });

  it('replays one device only with --device, and a device the registry does not know is reported, not guessed', async () => {
    expect(await replayFrames({ ...options, deviceId: GT06_IMEI })).toMatchObject({ frames: 1, positions: 1, alreadyStored: 1, inserted: 0 });
    await createDeviceStore(lake.ch.client).put([{ device_id: 'phone-7', vehicle_id: 'bike-7', vehicle_type: 'bike', enabled: false }], 'cli');
    await registry.refresh();
    expect(await replayFrames({ ...options, deviceId: 'phone-7' })).toMatchObject({ frames: 1, positions: 0, unregistered: ['phone-7'] });
  });
});
