import type { FrameReject } from '../frame-outcome.ts';
import type { GatewayCore } from '../gateway-core.ts';
import type { StreamSession, Step } from '../stream-listener.ts';
import { gt06Positions, type Vehicle } from '../to-positions.ts';
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
  let deviceId = '';
  let vehicle: Vehicle | undefined;

  const rejected = (frame: Buffer, reject: FrameReject, length: number): Step => {
    core.archive(PROTOCOL, deviceId, remote, frame, reject.reason, reject.detail);
    return reject.reason === 'bad_crc' ? { kind: 'consumed', length } : { kind: 'consumed', length, close: reject.reason };
  };

  return {
    get deviceId() {
      return deviceId;
    },
    async step(buf) {
      const receivedAtMs = now();
      const out = readGt06Frame(buf, maxFrameBytes);
      if (out.kind === 'incomplete') return out;
      const frame = Buffer.from(buf.subarray(0, out.length));
      if (out.kind === 'reject') return rejected(frame, out.reject, out.length);
      const message = decodeGt06Message(out.value);
      if (!message.ok) return rejected(frame, message, out.length);
      const m = message.value;
      const reply = gt06Reply(out.value);
      const length = out.length;
      if (m.type === 'login') {
        const resolution = core.login(PROTOCOL, m.imei, remote, frame);
        if (resolution.kind === 'unknown' || resolution.kind === 'disabled') return { kind: 'consumed', length, close: `${resolution.kind}_device` };
        deviceId = m.imei;
        vehicle = resolution.vehicle;
        core.archive(PROTOCOL, deviceId, remote, frame, 'ok', 'login');
        return { kind: 'consumed', length, reply };
      }
      if (!vehicle) return rejected(frame, { ok: false, reason: 'not_logged_in', detail: `protocol 0x${out.value.protocol.toString(16)} before login` }, length);
      if (m.type === 'heartbeat') {
        core.archive(PROTOCOL, deviceId, remote, frame, 'ok', 'heartbeat');
        return { kind: 'consumed', length, reply };
      }
      const { positions, withoutFix } = gt06Positions(deviceId, vehicle, m);
      await core.deliver({ protocol: PROTOCOL, deviceId, remote, receivedAtMs, frame, positions, withoutFix });
      return { kind: 'consumed', length, reply };
    },
  };
}
