import type { GatewayCore } from '../gateway-core.ts';
import { createSessionState } from '../session-state.ts';
import type { StreamSession } from '../stream-listener.ts';
import { gt06Positions } from '../to-positions.ts';
import { encodeGt06Frame, gt06Reply, readGt06Frame } from './gt06-frame.ts';
import { decodeGt06Message, encodeGt06Command } from './gt06-message.ts';

const PROTOCOL = 'gt06';

/**
 * One GT06 connection: login (answered only for a registered device; an
 * unknown one gets no answer and the connection closes), then locations and
 * heartbeats, each answered with its protocol and serial once durable. A wrong
 * CRC gets no answer; data before login and any other bad frame close the
 * connection. While logged in the device takes online commands (0x80,
 * core.commands); its answers (0x15, 0x21) are archived and handed back.
 */
export function createGt06Session(core: GatewayCore, remote: string, maxFrameBytes: number, write: (bytes: Buffer) => void, now: () => number = Date.now): StreamSession {
  const state = createSessionState(core, PROTOCOL, remote);
  let detach: (() => void) | undefined;
  let commandSerial = 0;
  return {
    get deviceId() {
      return state.deviceId;
    },
    closed: () => detach?.(),
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
      if (m.type === 'login') {
        const step = state.login(m.imei, frame, length, { accept: reply });
        if (state.vehicle && !detach) {
          // The server flag is ours to choose and comes back in the answer; a counter tells commands apart in the archive.
          detach = core.commands.attach(state.deviceId, (command) => {
            commandSerial = (commandSerial + 1) & 0xffff;
            write(encodeGt06Frame({ ...encodeGt06Command(command, commandSerial), serial: commandSerial }));
          });
        }
        return step;
      }
      const vehicle = state.vehicle;
      if (!vehicle) return state.reject(frame, { ok: false, reason: 'not_logged_in', detail: `protocol 0x${out.value.protocol.toString(16)} before login` }, length);
      if (m.type === 'answer') {
        core.archive(PROTOCOL, state.deviceId, remote, frame, 'ok', `command answer: ${m.text.slice(0, 200)}`);
        core.commands.answered(state.deviceId, m.text);
        return { kind: 'consumed', length };
      }
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
