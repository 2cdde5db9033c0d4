import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { FleetlakeError } from '../../core/errors.ts';
import { createCommandStore, type DeviceCommand } from '../../gateway/command-store.ts';
import { createDeviceStore } from '../../gateway/device-store.ts';
import type { ApiKey } from '../auth/api-key-store.ts';
import { checkDeviceAccess } from './device-access.ts';
import { parseRequestDuration } from '../request-checks.ts';
import { errorResponses, VEHICLE_ID_PATTERN } from '../schemas.ts';

/** Longest a POST waits for the device's answer before answering 202. */
const MAX_WAIT = '60s';
const DEFAULT_WAIT = '10s';
/** How often a waiting POST reads the command's state. */
const POLL_MS = 100;

const commandSchema = {
  type: 'object',
  required: ['command_id', 'device_id', 'command', 'status', 'answer', 'created_at', 'expires_at', 'updated_at'],
  properties: {
    command_id: { type: 'string' },
    device_id: { type: 'string' },
    command: { type: 'string' },
    status: {
      type: 'string',
      enum: ['queued', 'sent', 'answered', 'unanswered', 'expired'],
      description: 'queued: waiting for the device to connect; sent: written to its connection; answered; unanswered: no answer within gateway.command_answer_timeout; expired: not answered by expires_at',
    },
    answer: { type: ['string', 'null'], description: "the device's answer; null until answered" },
    created_at: { type: 'string', format: 'date-time' },
    expires_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
  },
} as const;

const deviceParam = { id: { type: 'string', pattern: VEHICLE_ID_PATTERN, description: 'device id (IMEI)' } } as const;

const toBody = (c: DeviceCommand) => ({
  command_id: c.command_id,
  device_id: c.device_id,
  command: c.command,
  status: c.status,
  answer: c.status === 'answered' ? c.answer : null,
  created_at: new Date(c.created_at_ms).toISOString(),
  expires_at: new Date(c.expires_at_ms).toISOString(),
  updated_at: new Date(c.updated_at_ms).toISOString(),
});

/**
 * POST /v1/devices/{id}/commands and GET /v1/devices/{id}/commands/{commandId}:
 * text commands to trackers (Teltonika Codec 12, GT06 0x80 online command),
 * queued in fleet.device_commands, carried by the gateway process holding the
 * device's connection (gateway/command-relay.ts), answered 200 with the
 * device's answer when it comes within `wait`, otherwise 202 with where to
 * read it later. Needs the devices scope.
 */
export async function deviceCommandRoutes(app: FastifyInstance): Promise<void> {
  const commands = () => createCommandStore(app.writer, app.api.now);

  app.post<{ Params: { id: string }; Body: { command: string; expires_in?: string; wait?: string } }>(
    '/v1/devices/:id/commands',
    {
      config: { scope: 'devices' },
      schema: {
        tags: ['devices'],
        summary: 'send a command to a tracker (e.g. getinfo) and get its answer',
        description:
          'Queues the command (fleet.device_commands); the gateway holding the device\'s connection sends it (Teltonika Codec 12, GT06 0x80) ' +
          `and records the answer. 200 with the answer when it comes within wait (default ${DEFAULT_WAIT}, at most ${MAX_WAIT}, 0s: do not wait); ` +
          '202 otherwise, with a Location to GET later: an offline device gets the command when it connects, unless it expired first ' +
          '(expires_in, default gateway.command_expiry).',
        params: { type: 'object', required: ['id'], properties: deviceParam },
        body: {
          type: 'object',
          required: ['command'],
          additionalProperties: false,
          properties: {
            command: { type: 'string', pattern: '^[\\x20-\\x7e]{1,256}$', description: 'printable ASCII, e.g. getinfo, getver, getgps' },
            expires_in: { type: 'string', maxLength: 32, description: 'e.g. 10m, 1h, 7d: not sent after this' },
            wait: { type: 'string', maxLength: 32, description: `how long to wait for the answer, e.g. 0s, 5s (at most ${MAX_WAIT})` },
          },
        },
        response: { 200: commandSchema, 202: commandSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const waitMs = parseRequestDuration(request.body.wait ?? DEFAULT_WAIT, 'wait')!;
      if (waitMs > parseRequestDuration(MAX_WAIT, 'wait')!) throw new FleetlakeError('API_BAD_REQUEST', { detail: `wait ${request.body.wait} is out of range: at most ${MAX_WAIT}` });
      const expiresMs = request.body.expires_in === undefined ? app.api.gateway.command_expiry.ms : parseRequestDuration(request.body.expires_in, 'expires_in')!;
      if (expiresMs <= 0) throw new FleetlakeError('API_BAD_REQUEST', { detail: 'expires_in must be longer than 0s' });
      await checkMayCommand(app, request.apiKey, id);
      const now = app.api.now();
      const queued: DeviceCommand = { command_id: randomUUID(), device_id: id, command: request.body.command, status: 'queued', answer: '', created_at_ms: now, expires_at_ms: now + expiresMs, updated_at_ms: now };
      const store = commands();
      await store.record(queued, `api key ${request.apiKey?.name ?? '-'}`);
      request.log.info({ device_id: id, command_id: queued.command_id, command: queued.command }, 'device command queued');
      app.api.commandQueued(id);
      let state: DeviceCommand = queued;
      for (const deadline = Date.now() + waitMs; Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        state = (await store.get(id, queued.command_id)) ?? state;
        if (state.status === 'answered' || state.status === 'unanswered' || state.status === 'expired') return toBody(state);
      }
      return reply.status(202).header('location', `/v1/devices/${encodeURIComponent(id)}/commands/${queued.command_id}`).send(toBody(state));
    },
  );

  app.get<{ Params: { id: string; commandId: string } }>(
    '/v1/devices/:id/commands/:commandId',
    {
      config: { scope: 'devices' },
      schema: {
        tags: ['devices'],
        summary: 'a command sent to a tracker: its state and the answer',
        params: { type: 'object', required: ['id', 'commandId'], properties: { ...deviceParam, commandId: { type: 'string', pattern: '^[0-9a-f-]{36}$' } } },
        response: { 200: commandSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { id, commandId } = request.params;
      await checkMayCommand(app, request.apiKey, id);
      const state = await commands().get(id, commandId);
      if (!state) throw new FleetlakeError('DEVICE_COMMAND_NOT_FOUND', { id, command: commandId });
      return toBody(state);
    },
  );
}

/** The device must be registered, and its vehicle one the key may see (device-access.ts). */
async function checkMayCommand(app: FastifyInstance, key: ApiKey | null, deviceId: string): Promise<void> {
  const device = await createDeviceStore(app.clickhouse).get(deviceId);
  if (!device) throw new FleetlakeError('DEVICE_NOT_FOUND', { id: deviceId });
  await checkDeviceAccess(app, key, deviceId, [device.vehicle_id], 'command');
}
