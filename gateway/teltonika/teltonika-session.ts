import type { GatewayCore } from '../gateway-core.ts';
import { createSessionState } from '../session-state.ts';
import type { StreamSession } from '../stream-listener.ts';
import { teltonikaPositions } from '../to-positions.ts';
import { avlAck, imeiAnswer, readTeltonikaImei, readTeltonikaTcp } from './tcp-frame.ts';

const PROTOCOL = 'teltonika';

/**
 * One Teltonika TCP connection: the IMEI handshake (01 for a registered
 * device, 00 and close for any other), then AVL packets, each answered with
 * its record count once the broker has it. A packet with a wrong CRC gets no
 * answer, so the device sends it again; any other bad frame closes the
 * connection. Codec 12 answers are archived (commands are not sent yet).
 */
export function createTeltonikaSession(core: GatewayCore, remote: string, maxFrameBytes: number, now: () => number = Date.now): StreamSession {
  const state = createSessionState(core, PROTOCOL, remote);
  return {
    get deviceId() {
      return state.deviceId;
    },
    async step(buf) {
      const vehicle = state.vehicle;
      if (!vehicle) {
        const login = readTeltonikaImei(buf);
        if (login.kind === 'incomplete') return login;
        if (login.kind === 'reject') return state.reject(buf.subarray(0, login.length), login.reject, login.length);
        return state.login(login.value, buf.subarray(0, login.length), login.length, { accept: imeiAnswer(true), refuse: imeiAnswer(false) });
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
        return { kind: 'consumed', length: out.length };
      }
      const { positions, withoutFix } = teltonikaPositions(state.deviceId, vehicle, value.data.records);
      await core.deliver({ protocol: PROTOCOL, deviceId: state.deviceId, remote, receivedAtMs, frame, positions, withoutFix });
      return { kind: 'consumed', length: out.length, reply: avlAck(value.data.records.length) };
    },
  };
}
