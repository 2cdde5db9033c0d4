import type { FrameReject } from './frame-outcome.ts';
import type { GatewayProtocol } from './frame-record.ts';
import type { GatewayCore } from './gateway-core.ts';
import type { Step } from './stream-listener.ts';
import type { Vehicle } from './to-positions.ts';

/** The part of a binary session every protocol shares: who logged in, and what a login and a bad frame do. */
export interface SessionState {
  /** '' before login. */
  readonly deviceId: string;
  /** undefined before login. */
  readonly vehicle: Vehicle | undefined;
  /**
   * A login of `deviceId` in a frame of `length` bytes: a registered device
   * gets `accept`; any other gets `refuse` (when the protocol has one) and the
   * connection closes.
   */
  login(deviceId: string, frame: Buffer, length: number, answers: { accept: Buffer; refuse?: Buffer }): Step;
  /** A bad frame is archived with its reason; a wrong CRC gets no answer and keeps the connection (the device sends again), anything else closes it. */
  reject(frame: Buffer, reject: FrameReject, length: number): Step;
}

export function createSessionState(core: GatewayCore, protocol: GatewayProtocol, remote: string): SessionState {
  let deviceId = '';
  let vehicle: Vehicle | undefined;
  return {
    get deviceId() {
      return deviceId;
    },
    get vehicle() {
      return vehicle;
    },
    login(id, frame, length, answers) {
      const resolution = core.login(protocol, id, remote, frame);
      if (resolution.kind === 'unknown' || resolution.kind === 'disabled') return { kind: 'consumed', length, reply: answers.refuse, close: `${resolution.kind}_device` };
      deviceId = id;
      vehicle = resolution.vehicle;
      core.archive(protocol, deviceId, remote, frame, 'ok', 'login');
      return { kind: 'consumed', length, reply: answers.accept };
    },
    reject(frame, reject, length) {
      core.archive(protocol, deviceId, remote, frame, reject.reason, reject.detail);
      return reject.reason === 'bad_crc' ? { kind: 'consumed', length } : { kind: 'consumed', length, close: reject.reason };
    },
  };
}
