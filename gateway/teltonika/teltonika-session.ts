import type { GatewayCore } from '../gateway-core.ts';
import { createSessionState } from '../session-state.ts';
import type { StreamSession } from '../stream-listener.ts';
import { teltonikaPositions } from '../to-positions.ts';
import { CODEC12_COMMAND, CODEC12_RESPONSE } from './codec12.ts';
import { avlAck, encodeCodec12, imeiAnswer, readTeltonikaImei, readTeltonikaTcp } from './tcp-frame.ts';

const PROTOCOL = 'teltonika';

/**
 * One Teltonika TCP connection: the IMEI handshake (01 for a registered
 * device, 00 and close for any other), then AVL packets, each answered with
 * its record count once the broker has it. A packet with a wrong CRC gets no
 * answer, so the device sends it again; any other bad frame closes the
 * connection. While logged in the device takes Codec 12 commands
 * (core.commands); its answers are archived and handed back.
 */
export function createTeltonikaSession(core: GatewayCore, remote: string, maxFrameBytes: number, write: (bytes: Buffer) => void, now: () => number = Date.now): StreamSession {
  const state = createSessionState(core, PROTOCOL, remote);
  let detach: (() => void) | undefined;
  return {
    get deviceId() {
      return state.deviceId;
    },
    closed: () => detach?.(),
    async step(buf) {
      const vehicle = state.vehicle;
      if (!vehicle) {
        const login = readTeltonikaImei(buf);
        if (login.kind === 'incomplete') return login;
        if (login.kind === 'reject') return state.reject(buf.subarray(0, login.length), login.reject, login.length);
        const step = state.login(login.value, buf.subarray(0, login.length), login.length, { accept: imeiAnswer(true), refuse: imeiAnswer(false) });
        if (state.vehicle) detach = core.commands.attach(state.deviceId, (command) => write(encodeCodec12({ type: CODEC12_COMMAND, text: command })));
        return step;
      }
      const receivedAtMs = now();
      const out = readTeltonikaTcp(buf, maxFrameBytes);
      if (out.kind === 'incomplete') return out;
      const frame = Buffer.from(buf.subarray(0, out.length));
      if (out.kind === 'reject') return state.reject(frame, out.reject, out.length);
      const value = out.value;
      if (value.type === 'keepalive') return { kind: 'consumed', length: out.length };
      if (value.type === 'codec12') {
        core.archive(PROTOCOL, state.deviceId, remote, frame, 'ok', `codec 12 type ${value.message.type}: ${value.message.text.slice(0, 200)}`);
        if (value.message.type === CODEC12_RESPONSE) core.commands.answered(state.deviceId, value.message.text);
        return { kind: 'consumed', length: out.length };
      }
      const { positions, withoutFix } = teltonikaPositions(state.deviceId, vehicle, value.data.records);
      await core.deliver({ protocol: PROTOCOL, deviceId: state.deviceId, remote, receivedAtMs, frame, positions, withoutFix });
      return { kind: 'consumed', length: out.length, reply: avlAck(value.data.records.length) };
    },
  };
}
