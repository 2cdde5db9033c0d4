import type { Random } from '../../generator/prng.ts';
import { openDeviceSocket, type DeviceSocket, type Intercept } from './socket-reader.ts';

/** What distinguishes one binary protocol's device from another. */
export interface StreamProtocolDevice {
  /** Logs in on a fresh connection: true when accepted, false when the server refused the device, undefined when no answer came (try again). */
  login(socket: DeviceSocket, timeoutMs: number): Promise<boolean | undefined>;
  /** Bytes of the server's answer to one packet, and whether an answer acknowledges that packet. */
  readonly ackLength: number;
  acknowledges(answer: Buffer, packet: Buffer): boolean;
  /** Commands from the server, answered as the device would (Teltonika Codec 12). */
  readonly intercept?: Intercept;
}

export interface StreamDeviceOptions {
  readonly host: string;
  readonly port: number;
  readonly protocol: StreamProtocolDevice;
  readonly deviceId: string;
  /** How long a packet waits for its ACK before it is sent again. */
  readonly ackTimeoutMs: number;
  /** Share of ACKs the device pretends it never got (it sends the packet again): for tests of the gateway's duplicate handling. */
  readonly dropAckShare?: number;
  readonly random?: Random;
}

export interface StreamDevice {
  /** Sends one packet and resolves once the server acknowledged it, reconnecting and resending as a real device does. */
  send(packet: Buffer): Promise<void>;
  close(): void;
  readonly resends: number;
}

/** Throws when the server refuses the device at login: a real device would retry for ever, a simulator should say so. */
export class DeviceRefused extends Error {}

/**
 * A tracker on its own TCP connection: it logs in with its id, sends a
 * packet, waits for the ACK, and on a timeout or a lost connection sends the
 * same packet again (after logging in again), until it is acknowledged.
 */
export function createStreamDevice(options: StreamDeviceOptions): StreamDevice {
  const { protocol, ackTimeoutMs } = options;
  let socket: DeviceSocket | undefined;
  let resends = 0;

  const connected = async (): Promise<DeviceSocket> => {
    if (socket && !socket.closed) return socket;
    const fresh = await openDeviceSocket(options.host, options.port, ackTimeoutMs, protocol.intercept);
    const accepted = await protocol.login(fresh, ackTimeoutMs);
    if (accepted === undefined) {
      fresh.destroy();
      throw new Error('no answer to the login');
    }
    if (!accepted) {
      fresh.destroy();
      throw new DeviceRefused(`the gateway refused device ${options.deviceId}: register it with 'fleetlake devices add ${options.deviceId} --vehicle <id>'`);
    }
    socket = fresh;
    return fresh;
  };

  return {
    async send(packet) {
      for (let attempt = 0; ; attempt++) {
        if (attempt > 0) resends++;
        let s: DeviceSocket;
        try {
          s = await connected();
        } catch (err) {
          if (err instanceof DeviceRefused) throw err;
          await new Promise((r) => setTimeout(r, Math.min(ackTimeoutMs, 1000)));
          continue;
        }
        s.write(packet);
        const answer = await s.read(protocol.ackLength, ackTimeoutMs);
        if (answer === undefined) {
          // No ACK in time: a real device drops the connection and sends the packet again on a new one.
          s.destroy();
          continue;
        }
        if (!protocol.acknowledges(answer, packet)) continue;
        if (options.dropAckShare && options.random && options.random.float() < options.dropAckShare) continue;
        return;
      }
    },
    close() {
      socket?.destroy();
    },
    get resends() {
      return resends;
    },
  };
}
