import type { FrameReject } from '../frame-outcome.ts';
import type { GatewayCore } from '../gateway-core.ts';
import type { StreamSession, Step } from '../stream-listener.ts';
import { teltonikaPositions, type Vehicle } from '../to-positions.ts';
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
      if (!vehicle) {
        const login = readTeltonikaImei(buf);
        if (login.kind === 'incomplete') return login;
        if (login.kind === 'reject') return rejected(buf.subarray(0, login.length), login.reject, login.length);
        const frame = buf.subarray(0, login.length);
        const resolution = core.login(PROTOCOL, login.value, remote, frame);
        if (resolution.kind === 'unknown' || resolution.kind === 'disabled') return { kind: 'consumed', length: login.length, reply: imeiAnswer(false), close: `${resolution.kind}_device` };
        deviceId = login.value;
        vehicle = resolution.vehicle;
        core.archive(PROTOCOL, deviceId, remote, frame, 'ok', 'login');
        return { kind: 'consumed', length: login.length, reply: imeiAnswer(true) };
      }
      const receivedAtMs = now();
      const out = readTeltonikaTcp(buf, maxFrameBytes);
      if (out.kind === 'incomplete') return out;
      const frame = Buffer.from(buf.subarray(0, out.length));
      if (out.kind === 'reject') return rejected(frame, out.reject, out.length);
      const value = out.value;
      if (value.type === 'keepalive') return { kind: 'consumed', length: out.length };
      if (value.type === 'codec12') {
        core.archive(PROTOCOL, deviceId, remote, frame, 'ok', `codec 12 type ${value.message.type}: ${value.message.text.slice(0, 200)}`);
        return { kind: 'consumed', length: out.length };
      }
      const { positions, withoutFix } = teltonikaPositions(deviceId, vehicle, value.data.records);
      await core.deliver({ protocol: PROTOCOL, deviceId, remote, receivedAtMs, frame, positions, withoutFix });
      return { kind: 'consumed', length: out.length, reply: avlAck(value.data.records.length) };
    },
  };
}
