import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Position } from '../core/position.ts';
import type { OutgoingMessage } from '../generator/sink.ts';
import { openTestLake, type TestLake } from '../test-support/lake.ts';
import { startMemoryGateway, type MemoryGateway } from '../test-support/memory-gateway.ts';
import { teltonikaPacketAround } from '../test-support/random-frames.ts';
import { openTcpProbe } from '../test-support/tcp-probe.ts';
import { decodeFrameRecord } from './frame-record.ts';
import { encodeGt06Frame } from './gt06/gt06-frame.ts';
import { encodeGt06Message, type Gt06Location } from './gt06/gt06-message.ts';
import { encodeOsmandQuery } from './osmand/osmand-report.ts';
import type { RunningGateway } from './run-gateway.ts';
import { CODEC_8, CODEC_8E, type AvlRecord } from './teltonika/avl-data.ts';
import { encodeCodec12, encodeTeltonikaAvl, encodeTeltonikaImei } from './teltonika/tcp-frame.ts';
import { encodeTeltonikaUdp } from './teltonika/udp-datagram.ts';

/**
 * The gateway's listeners against real sockets and the real registry
 * (fleet.devices in the embedded engine). The output is an in-memory group
 * commit whose sends the test can hold back: that is how it proves ACKs wait
 * for the output. The Kafka path is proven by gateway-kafka.test.ts.
 */
const IMEI = '356307042441013';
const GT06_IMEI = '123456789012345';
const T = Date.UTC(2026, 11, 6, 9, 0, 0);

const record = (i: number, change: Partial<AvlRecord> = {}): AvlRecord => ({
  timestampMs: T + i * 1000,
  priority: 0,
  lonE7: -735_678_900 + i,
  latE7: 455_012_300 + i,
  altitudeM: 38,
  angleDeg: 360,
  satellites: 9,
  speedKmh: 30 + i,
  io: { eventId: 0, one: [{ id: 239, value: 1 }], two: [], four: [], eight: [], nx: [] },
  ...change,
});

describe('the gateway listeners', () => {
  let lake: TestLake;
  let memory: MemoryGateway;
  let gateway: RunningGateway;
  let positions: Position[];
  let frames: OutgoingMessage[];

  beforeAll(async () => {
    lake = await openTestLake();
    memory = await startMemoryGateway(
      lake,
      [
        { device_id: IMEI, vehicle_id: 'truck-12', vehicle_type: 'truck', enabled: true },
        { device_id: GT06_IMEI, vehicle_id: 'van-3', vehicle_type: 'van', enabled: true },
        { device_id: 'phone-7', vehicle_id: 'bike-7', vehicle_type: 'bike', enabled: true },
        { device_id: '352093086403655', vehicle_id: 'car-1', vehicle_type: '', enabled: true },
      ],
      { idle_timeout: '1500ms', frame_timeout: '400ms', max_frame_bytes: 2048, max_connections_per_address: 40 },
    );
    ({ gateway, positions, frames } = memory);
  });
  afterAll(async () => {
    await gateway?.stop();
    await lake?.dispose();
  });

  const login = async () => {
    const probe = await openTcpProbe(gateway.ports.teltonika);
    probe.send(encodeTeltonikaImei(IMEI));
    expect((await probe.read(1)).toString('hex')).toBe('01');
    return probe;
  };
  const counted = async (name: string, labels: Record<string, string>) => {
    const metric = (await gateway.core.metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
    return (metric?.values ?? []).filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((s, v) => s + v.value, 0);
  };

  it('Teltonika: a registered IMEI gets 01, a packet gets its record count only after the output took it, and the positions are exact', async () => {
    const probe = await login();
    const before = positions.length;
    let release!: () => void;
    memory.hold = new Promise((resolve) => (release = resolve));
    probe.send(encodeTeltonikaAvl({ codec: CODEC_8E, records: [record(0), record(1, { angleDeg: 90 }), record(2, { satellites: 0 })] }));
    await expect(probe.read(4, 300)).rejects.toThrow(/expected 4 byte/);
    release();
    memory.hold = undefined;
    expect((await probe.read(4)).toString('hex')).toBe('00000003');
    expect(positions.slice(before)).toEqual([
      { vehicle_id: 'truck-12', ts_ms: T, lat: 45.50123, lon: -73.56789, speed_kmh: 30, heading_deg: 0, vehicle_type: 'truck', altitude_m: 38, satellites: 9, device_id: IMEI, ignition: true },
      { vehicle_id: 'truck-12', ts_ms: T + 1000, lat: 45.5012301, lon: -73.5678899, speed_kmh: 31, heading_deg: 90, vehicle_type: 'truck', altitude_m: 38, satellites: 9, device_id: IMEI, ignition: true },
    ]);
    probe.end();
  });

  it('Teltonika: a resent packet (its ACK was lost) is acknowledged again without publishing twice', async () => {
    const probe = await login();
    const packet = encodeTeltonikaAvl({ codec: CODEC_8, records: [record(10), record(11)] });
    const before = positions.length;
    probe.send(packet);
    expect((await probe.read(4)).toString('hex')).toBe('00000002');
    probe.send(packet);
    expect((await probe.read(4)).toString('hex')).toBe('00000002');
    expect(positions.length - before).toBe(2);
    expect(frames.map((f) => decodeFrameRecord(f.value)?.outcome)).toContain('duplicate');
    probe.end();
  });

  it('Teltonika: an unknown IMEI gets 00, is hung up on and counted', async () => {
    const probe = await openTcpProbe(gateway.ports.teltonika);
    const before = await counted('fleetlake_gateway_unknown_devices_total', { protocol: 'teltonika' });
    probe.send(encodeTeltonikaImei('999999999999999'));
    expect((await probe.read(1)).toString('hex')).toBe('00');
    expect(await probe.closed()).toBe(true);
    expect(await counted('fleetlake_gateway_unknown_devices_total', { protocol: 'teltonika' })).toBe(before + 1);
  });

  it('Teltonika: a wrong CRC gets no ACK and the connection stays, so the device can send again', async () => {
    const probe = await login();
    const packet = encodeTeltonikaAvl({ codec: CODEC_8, records: [record(20)] });
    const broken = Buffer.from(packet);
    broken[broken.length - 1]! ^= 0xff;
    probe.send(broken);
    expect(await probe.closed(300)).toBe(false);
    expect(probe.pending()).toBe(0);
    probe.send(packet);
    expect((await probe.read(4)).toString('hex')).toBe('00000001');
    probe.end();
  });

  it.each([
    ['garbage', () => Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
    ['oversized', () => Buffer.concat([Buffer.from('00000000', 'hex'), Buffer.from('00010000', 'hex')])],
    ['unknown_codec', () => teltonikaPacketAround(Buffer.from('10010000', 'hex'))],
  ])('Teltonika: %s closes the connection and is counted by reason', async (reason, bytes) => {
    const probe = await login();
    const before = await counted('fleetlake_gateway_connections_closed_total', { protocol: 'teltonika', reason });
    probe.send(bytes());
    expect(await probe.closed()).toBe(true);
    expect(await counted('fleetlake_gateway_connections_closed_total', { protocol: 'teltonika', reason })).toBe(before + 1);
  });

  it('a client trickling a frame is cut off, while another device keeps getting its ACKs', async () => {
    const trickler = await login();
    const packet = encodeTeltonikaAvl({ codec: CODEC_8, records: [record(30)] });
    trickler.send(packet.subarray(0, 10));
    const other = await login();
    other.send(encodeTeltonikaAvl({ codec: CODEC_8, records: [record(31)] }));
    expect((await other.read(4)).toString('hex')).toBe('00000001');
    // An order, not a speed: the other device's ACK came while the trickler was still connected.
    expect(await trickler.closed(0)).toBe(false);
    expect(await trickler.closed(2000)).toBe(true);
    expect(await counted('fleetlake_gateway_connections_closed_total', { protocol: 'teltonika', reason: 'trickle' })).toBeGreaterThanOrEqual(1);
    other.end();
  });

  it('an idle connection times out', async () => {
    const probe = await login();
    expect(await probe.closed(4000)).toBe(true);
    expect(await counted('fleetlake_gateway_connections_closed_total', { protocol: 'teltonika', reason: 'idle' })).toBeGreaterThanOrEqual(1);
  });

  it('connections from one address are capped', async () => {
    const probes = await Promise.all(Array.from({ length: 40 }, () => openTcpProbe(gateway.ports.gt06)));
    const extra = await openTcpProbe(gateway.ports.gt06);
    expect(await extra.closed()).toBe(true);
    expect(await counted('fleetlake_gateway_connections_closed_total', { protocol: 'gt06', reason: 'max_per_address' })).toBe(1);
    for (const p of probes) p.end();
    // The slots come back when the server sees the connections close.
    for (let i = 0; i < 100 && (await counted('fleetlake_gateway_connections', { protocol: 'gt06' })) > 0; i++) await new Promise((r) => setTimeout(r, 20));
  });

  it('GT06: login gets the byte-exact reply, a location its echo once published; data before login closes', async () => {
    const probe = await openTcpProbe(gateway.ports.gt06);
    probe.send(Buffer.from('78780D01012345678901234500018CDD0D0A', 'hex'));
    expect((await probe.read(10)).toString('hex').toUpperCase()).toBe('787805010001D9DC0D0A');
    const location: Gt06Location = {
      type: 'location', protocol: 0x12, timestampMs: T, gpsInfoLength: 12, satellites: 7, lat: -23.5, lon: -46.625, speedKmh: 40, courseDeg: 359, positioned: true, statusHigh: 0,
      mcc: 724, mnc: 5, lac: 1, cellId: 2, tail: Buffer.alloc(0),
    };
    const before = positions.length;
    probe.send(encodeGt06Frame({ ...encodeGt06Message(location), serial: 2 }));
    expect((await probe.read(10)).toString('hex').toUpperCase()).toBe(encodeGt06Frame({ protocol: 0x12, content: Buffer.alloc(0), serial: 2 }).toString('hex').toUpperCase());
    expect(positions.slice(before)).toEqual([{ vehicle_id: 'van-3', ts_ms: T, lat: -23.5, lon: -46.625, speed_kmh: 40, heading_deg: 359, vehicle_type: 'van', satellites: 7, device_id: GT06_IMEI }]);
    probe.end();

    const early = await openTcpProbe(gateway.ports.gt06);
    early.send(encodeGt06Frame({ ...encodeGt06Message(location), serial: 1 }));
    expect(await early.closed()).toBe(true);
    expect(await counted('fleetlake_gateway_connections_closed_total', { protocol: 'gt06', reason: 'not_logged_in' })).toBe(1);
  });

  it('GT06 commands: an online command (0x80) goes to the logged-in device and its 0x15 answer comes back', async () => {
    const probe = await openTcpProbe(gateway.ports.gt06);
    probe.send(Buffer.from('78780D01012345678901234500018CDD0D0A', 'hex'));
    await probe.read(10);
    const sent = gateway.core.commands.send(GT06_IMEI, 'STATUS#', 5000);
    const command = await probe.read(22);
    expect(command.subarray(0, 16).toString('hex').toUpperCase()).toBe('78781180' + '0B' + '00000001' + Buffer.from('STATUS#').toString('hex').toUpperCase());
    probe.send(encodeGt06Frame({ ...encodeGt06Message({ type: 'answer', serverFlag: 1, text: 'Battery:4.10V,NORMAL; GPRS:Link Up' }), serial: 3 }));
    expect(await sent).toEqual({ status: 'answered', answer: 'Battery:4.10V,NORMAL; GPRS:Link Up' });
    probe.end();
  });

  it('GT06: an unknown device gets no login reply and is hung up on', async () => {
    const probe = await openTcpProbe(gateway.ports.gt06);
    probe.send(Buffer.from('78780D01086471700328358100093F040D0A', 'hex'));
    expect(await probe.closed()).toBe(true);
    expect(probe.pending()).toBe(0);
  });

  it('OsmAnd: 200 with an empty body, 400 naming the field, 403 for an unknown device', async () => {
    const base = `http://127.0.0.1:${gateway.ports.osmand}`;
    const before = positions.length;
    const ok = await fetch(`${base}/?${encodeOsmandQuery({ deviceId: 'phone-7', timestampMs: T, lat: 45.5, lon: -73.56, speedKmh: 18.52, bearingDeg: 360 })}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('');
    expect(positions.slice(before)).toEqual([{ vehicle_id: 'bike-7', ts_ms: T, lat: 45.5, lon: -73.56, speed_kmh: expect.closeTo(18.52, 9), heading_deg: 0, vehicle_type: 'bike', device_id: 'phone-7' }]);
    const json = await fetch(base, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ device_id: 'phone-7', location: { timestamp: '2026-12-06T10:00:00Z', coords: { latitude: 45.5, longitude: -73.56, speed: 4.2, heading: 90 }, is_moving: true } }),
    });
    expect(json.status).toBe(200);
    const bad = await fetch(`${base}/?id=phone-7&lat=95&lon=1&timestamp=1`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { field: 'lat' } });
    const unknown = await fetch(`${base}/?id=nobody&lat=1&lon=1&timestamp=1`);
    expect(unknown.status).toBe(403);
    const big = await fetch(base, { method: 'POST', body: 'x'.repeat(5000) });
    expect(big.status).toBe(413);
  });

  it('Teltonika UDP: a datagram gets the echoed answer once published', async () => {
    const socket = createSocket('udp4');
    const datagram = encodeTeltonikaUdp({ packetId: 0xcafe, avlPacketId: 5, imei: '352093086403655', data: { codec: CODEC_8, records: [record(40)] } });
    const answer = new Promise<Buffer>((resolve) => socket.once('message', resolve));
    socket.send(datagram, gateway.ports.teltonikaUdp, '127.0.0.1');
    expect((await answer).toString('hex').toUpperCase()).toBe('0005CAFE010501');
    socket.close();
    expect(positions.at(-1)).toMatchObject({ vehicle_id: 'car-1', ts_ms: T + 40_000 });
  });

  it('commands: getinfo goes to the logged-in device as Codec 12 and its answer comes back; offline and silent devices say so', async () => {
    expect(await gateway.core.commands.send(IMEI, 'getinfo', 1000)).toEqual({ status: 'offline' });
    const device = await login();
    const sent = gateway.core.commands.send(IMEI, 'getinfo', 5000);
    const command = await device.read(27);
    expect(command.toString('hex').toUpperCase()).toBe('000000000000000F0C010500000007676574696E666F0100004312');
    device.send(encodeCodec12({ type: 0x06, text: 'RTC:2026/12/6 10:00 Init:2026/12/6 9:00 UpTime:3600s' }));
    expect(await sent).toEqual({ status: 'answered', answer: 'RTC:2026/12/6 10:00 Init:2026/12/6 9:00 UpTime:3600s' });
    // Records keep flowing on the same connection.
    device.send(encodeTeltonikaAvl({ codec: CODEC_8, records: [record(50)] }));
    expect((await device.read(4)).toString('hex')).toBe('00000001');
    expect(await gateway.core.commands.send(IMEI, 'getver', 300)).toEqual({ status: 'timeout' });
    device.end();
    await device.closed();
    for (let i = 0; i < 50 && (await gateway.core.commands.send(IMEI, 'getinfo', 10)).status !== 'offline'; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await gateway.core.commands.send(IMEI, 'getinfo', 10)).toEqual({ status: 'offline' });
  });

  it('a port already taken fails the start with GATEWAY_PORT_BUSY, naming the flag', async () => {
    const busy = startMemoryGateway(lake, [], { gt06_port: gateway.ports.gt06 });
    await expect(busy).rejects.toMatchObject({ code: 'GATEWAY_PORT_BUSY' });
    await expect(busy).rejects.toThrow(`the gt06 listener cannot bind 127.0.0.1:${gateway.ports.gt06}`);
    await expect(busy).rejects.toThrow('pick another with --gt06-port');
  });

  it('archives every frame it received, bad ones included, with its outcome', () => {
    const outcomes = new Set(frames.map((f) => decodeFrameRecord(f.value)?.outcome));
    for (const o of ['ok', 'duplicate', 'bad_crc', 'garbage', 'unknown_codec', 'unknown_device', 'trickle', 'malformed', 'not_logged_in']) expect(outcomes).toContain(o);
  });
});
