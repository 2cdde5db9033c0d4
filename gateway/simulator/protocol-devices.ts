import type { Position } from '../../core/position.ts';
import { encodeGt06Frame, gt06Reply } from '../gt06/gt06-frame.ts';
import { encodeGt06Message, GT06_LOCATION_2 } from '../gt06/gt06-message.ts';
import { CODEC_8, CODEC_8E, type AvlRecord } from '../teltonika/avl-data.ts';
import { encodeTeltonikaAvl, encodeTeltonikaImei, readAvlAck } from '../teltonika/tcp-frame.ts';
import type { StreamProtocolDevice } from './stream-device.ts';

/** A simulated vehicle's IMEI: 15 digits, from the digits of its id when it has some (v-00042 → 350000000000042). */
export function simulatedImei(vehicleId: string): string {
  const digits = vehicleId.replace(/\D/g, '');
  if (digits.length > 0 && digits.length <= 13) return `35${digits.padStart(13, '0')}`;
  let h = 0x811c9dc5;
  for (const c of vehicleId) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return `36${String(h).padStart(13, '0')}`;
}

/** Satellites the simulated trackers report: any fix will do, and 0 would mean none. */
const SATELLITES = 9;

export function teltonikaRecord(p: Position): AvlRecord {
  const moving = p.speed_kmh > 0 ? 1 : 0;
  return {
    timestampMs: p.ts_ms,
    priority: 0,
    lonE7: Math.round(p.lon * 1e7),
    latE7: Math.round(p.lat * 1e7),
    altitudeM: 0,
    angleDeg: Math.round(p.heading_deg) % 360,
    satellites: SATELLITES,
    speedKmh: Math.round(p.speed_kmh),
    io: { eventId: 0, one: [{ id: 239, value: moving }, { id: 240, value: moving }], two: [], four: [], eight: [], nx: [] },
  };
}

/** Codec 8 for even vehicles, 8 Extended for odd ones: a simulated fleet exercises both. */
export function teltonikaDevice(imei: string, extended: boolean): StreamProtocolDevice & { packet(positions: readonly Position[]): Buffer } {
  return {
    async login(socket, timeoutMs) {
      socket.write(encodeTeltonikaImei(imei));
      const answer = await socket.read(1, timeoutMs);
      return answer === undefined ? undefined : answer[0] === 1;
    },
    ackLength: 4,
    acknowledges: (answer, packet) => readAvlAck(answer) === packet[9],
    packet: (positions) => encodeTeltonikaAvl({ codec: extended ? CODEC_8E : CODEC_8, records: positions.map(teltonikaRecord) }),
  };
}

/** GT06 sends one location per frame; the serial counts frames, and the echo of it is the ACK. */
export function gt06Device(imei: string): StreamProtocolDevice & { packet(position: Position): Buffer } {
  let serial = 0;
  const next = () => (serial = (serial + 1) & 0xffff);
  return {
    async login(socket, timeoutMs) {
      const login = encodeGt06Message({ type: 'login', imei, tail: Buffer.alloc(0) });
      const s = next();
      socket.write(encodeGt06Frame({ ...login, serial: s }));
      // A GT06 server refuses by not answering and hanging up: no answer on a closed connection is a refusal.
      const answer = await socket.read(10, timeoutMs);
      if (answer === undefined) return socket.closed ? false : undefined;
      return answer.equals(gt06Reply({ protocol: login.protocol, serial: s }));
    },
    ackLength: 10,
    acknowledges: (answer, packet) => answer.equals(gt06Reply({ protocol: packet[3]!, serial: packet.readUInt16BE(packet.length - 6) })),
    packet: (p) =>
      encodeGt06Frame({
        ...encodeGt06Message({
          type: 'location',
          protocol: GT06_LOCATION_2,
          timestampMs: Math.floor(p.ts_ms / 1000) * 1000,
          gpsInfoLength: 12,
          satellites: SATELLITES,
          lat: p.lat,
          lon: p.lon,
          speedKmh: Math.min(255, Math.round(p.speed_kmh)),
          courseDeg: Math.round(p.heading_deg) % 360,
          positioned: true,
          statusHigh: 0,
          mcc: 302,
          mnc: 720,
          lac: 1,
          cellId: 1,
          tail: Buffer.from([p.speed_kmh > 0 ? 1 : 0, 0, 1]),
        }),
        serial: next(),
      }),
  };
}
