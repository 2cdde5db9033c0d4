import type { GatewayCore } from '../gateway-core.ts';
import { createSessionState } from '../session-state.ts';
import type { StreamSession } from '../stream-listener.ts';
import { gt06Positions } from '../to-positions.ts';
import { gt06Reply, readGt06Frame } from './gt06-frame.ts';
import { decodeGt06Message } from './gt06-message.ts';

const PROTOCOL = 'gt06';

/**
 * One GT06 connection: login (answered only for a registered device; an
 * unknown one gets no answer and the connection closes), then locations and
 * heartbeats, each answered with its protocol and serial once durable. A wrong
 * CRC gets no answer; data before login and any other bad frame close the
 * connection.
 */
export function createGt06Session(core: GatewayCore, remote: string, maxFrameBytes: number, now: () => number = Date.now): StreamSession {
  const state = createSessionState(core, PROTOCOL, remote);
  return {
    get deviceId() {
      return state.deviceId;
    },
    async step(buf) {
      const receivedAtMs = now();
      const out = readGt06Frame(buf, maxFrameBytes);
      if (out.kind === 'incomplete') return out;
      const frame = Buffer.from(buf.subarray(0, out.length));
      if (out.kind === 'reject') return state.reject(frame, out.reject, out.length);
      const message = decodeGt06Message(out.value);
      if (!message.ok) return state.reject(frame, message, out.length);
      const m = message.value;
      const reply = gt06Reply(out.value);
      const length = out.length;
      if (m.type === 'login') return state.login(m.imei, frame, length, { accept: reply });
      const vehicle = state.vehicle;
      if (!vehicle) return state.reject(frame, { ok: false, reason: 'not_logged_in', detail: `protocol 0x${out.value.protocol.toString(16)} before login` }, length);
      if (m.type === 'heartbeat') {
        core.archive(PROTOCOL, state.deviceId, remote, frame, 'ok', 'heartbeat');
        return { kind: 'consumed', length, reply };
      }
      const { positions, withoutFix } = gt06Positions(state.deviceId, vehicle, m);
      await core.deliver({ protocol: PROTOCOL, deviceId: state.deviceId, remote, receivedAtMs, frame, positions, withoutFix });
      return { kind: 'consumed', length, reply };
    },
  };
}
