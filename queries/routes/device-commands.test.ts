import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../core/clickhouse.ts';
import type { Position } from '../../core/position.ts';
import { gt06Answer, gt06Device, teltonikaAnswer, teltonikaDevice } from '../../gateway/simulator/protocol-devices.ts';
import { createStreamDevice, type StreamDevice } from '../../gateway/simulator/stream-device.ts';
import { openTestLake, type TestLake } from '../../test-support/lake.ts';
import { startMemoryGateway, type MemoryGateway } from '../../test-support/memory-gateway.ts';
import { until } from '../../test-support/until.ts';
import { buildApp } from '../app.ts';

/**
 * Commands to devices end to end on real parts: the API over the embedded
 * lake, two gateways with their relays on real sockets (as two gateway
 * processes would be), and the simulator's Teltonika device, which answers
 * Codec 12. Gateway A is the one in the API's process (`fleetlake start`:
 * told at once); B only polls the queue, as a separate `fleetlake gateway` does.
 */
const ONLINE = '350000000000001';
const LATER = '350000000000002';
const EXPIRING = '350000000000003';
const ON_B = '350000000000004';
const GT06 = '350000000000005';

interface CommandBody {
  command_id: string;
  status: string;
  answer: string | null;
  expires_at: string;
}

describe('POST /v1/devices/{id}/commands', () => {
  let lake: TestLake;
  let a: MemoryGateway;
  let b: MemoryGateway;
  let app: FastifyInstance;
  const devices: StreamDevice[] = [];

  /** A simulated tracker that connects to `gateway` and sends one packet (it stays connected). */
  const connect = async (imei: string, gateway: MemoryGateway) => {
    const protocol = teltonikaDevice(imei, false);
    const device = createStreamDevice({ host: '127.0.0.1', port: gateway.gateway.ports.teltonika, protocol, deviceId: imei, ackTimeoutMs: 5000 });
    devices.push(device);
    const position: Position = { vehicle_id: 'x', ts_ms: Date.now(), lat: 45.5, lon: -73.56, speed_kmh: 10, heading_deg: 90, vehicle_type: '' };
    await device.send(protocol.packet([position]));
    return protocol;
  };
  const post = (id: string, body: object) => app.inject({ method: 'POST', url: `/v1/devices/${id}/commands`, payload: body });
  const get = async (url: string) => (await app.inject({ method: 'GET', url })).json<CommandBody>();

  beforeAll(async () => {
    lake = await openTestLake();
    const registry = [ONLINE, LATER, EXPIRING, ON_B, GT06].map((id, i) => ({ device_id: id, vehicle_id: `truck-${i}`, vehicle_type: 'truck', enabled: true }));
    a = await startMemoryGateway(lake, registry, { command_poll: '1h' });
    b = await startMemoryGateway(lake, [], { command_poll: '200ms' });
    app = await buildApp({ clickhouse: { client: lake.ch.client }, config: lake.config, commandQueued: () => a.gateway.relay.poke() });
  });
  afterAll(async () => {
    for (const d of devices) d.close();
    await app?.close();
    await a?.gateway.stop();
    await b?.gateway.stop();
    await lake?.dispose();
  });

  it('sends getinfo over the open connection and answers 200 with the device\'s answer; every change is logged', async () => {
    const device = await connect(ONLINE, a);
    const response = await post(ONLINE, { command: 'getinfo' });
    expect(response.statusCode).toBe(200);
    const body = response.json<CommandBody>();
    expect(body).toMatchObject({ status: 'answered', answer: teltonikaAnswer(ONLINE, 'getinfo') });
    expect(device.commands).toEqual(['getinfo']);
    const log = await queryRows<{ status: string; actor: string }>(lake.ch.client, 'SELECT status, actor FROM fleet.device_commands WHERE command_id = {id:String} ORDER BY updated_at', { id: body.command_id });
    expect(log.map((r) => r.status)).toEqual(['queued', 'sent', 'answered']);
    expect(log[0]!.actor).toMatch(/^api key /);
    expect(log[1]!.actor).toMatch(/^gateway /);
  });

  it('queues a command for an offline device: 202 with where to read it, sent when the device connects', async () => {
    const response = await post(LATER, { command: 'getver', wait: '0s' });
    expect(response.statusCode).toBe(202);
    const location = response.headers.location as string;
    expect(location).toBe(`/v1/devices/${LATER}/commands/${response.json<CommandBody>().command_id}`);
    expect(await get(location)).toMatchObject({ status: 'queued', answer: null });
    await connect(LATER, a);
    const answered = await until(async () => {
      const state = await get(location);
      return state.status === 'answered' ? state : undefined;
    }, 10_000, () => 'the command was not answered');
    expect(answered.answer).toBe(teltonikaAnswer(LATER, 'getver'));
  });

  it('never sends a command that expired before its device connected', async () => {
    const response = await post(EXPIRING, { command: 'getinfo', wait: '0s', expires_in: '1s' });
    expect(response.statusCode).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const device = await connect(EXPIRING, a);
    a.gateway.relay.poke();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await get(response.headers.location as string)).toMatchObject({ status: 'expired', answer: null });
    expect(device.commands).toEqual([]);
  });

  it('reaches the gateway process that holds the connection, which finds it by polling the queue', async () => {
    const device = await connect(ON_B, b);
    const response = await post(ON_B, { command: 'getgps' });
    expect(response.statusCode).toBe(200);
    expect(response.json<CommandBody>()).toMatchObject({ status: 'answered', answer: teltonikaAnswer(ON_B, 'getgps') });
    expect(device.commands).toEqual(['getgps']);
  });

  it('sends a GT06 online command (0x80) and answers with its 0x15 reply', async () => {
    const protocol = gt06Device(GT06);
    const device = createStreamDevice({ host: '127.0.0.1', port: a.gateway.ports.gt06, protocol, deviceId: GT06, ackTimeoutMs: 5000 });
    devices.push(device);
    await device.send(protocol.packet({ vehicle_id: 'x', ts_ms: Date.now(), lat: 45.5, lon: -73.56, speed_kmh: 10, heading_deg: 90, vehicle_type: '' }));
    const response = await post(GT06, { command: 'STATUS#' });
    expect(response.statusCode).toBe(200);
    expect(response.json<CommandBody>()).toMatchObject({ status: 'answered', answer: gt06Answer('STATUS#') });
    expect(protocol.commands).toEqual(['STATUS#']);
  });

  it.each([
    ['an unregistered device', '359999999999999', { command: 'getinfo' }, 404, 'device 359999999999999 is not in fleet.devices'],
    ['a command that is not printable ASCII', ONLINE, { command: 'get\ninfo' }, 400, 'command must match pattern'],
    ['a wait above the cap', ONLINE, { command: 'getinfo', wait: '2m' }, 400, 'wait 2m is out of range: at most 60s'],
    ['an expiry that is not a duration', ONLINE, { command: 'getinfo', expires_in: 'later' }, 400, 'expires_in \\"later\\" is not a duration'],
  ])('refuses %s', async (_case, id, body, status, message) => {
    const response = await post(id, body);
    expect(response.statusCode).toBe(status);
    expect(response.body).toContain(message);
  });

  it('answers 404 for a command id the device does not have', async () => {
    const response = await app.inject({ method: 'GET', url: `/v1/devices/${ONLINE}/commands/00000000-0000-0000-0000-000000000000` });
    expect(response.statusCode).toBe(404);
    expect(response.json<{ error: string }>().error).toBe('DEVICE_COMMAND_NOT_FOUND');
  });
});
