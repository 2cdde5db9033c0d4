import type { Position } from '../../core/position.ts';
import { encodeGt06Frame, gt06Reply, readGt06Frame } from '../gt06/gt06-frame.ts';
import { encodeGt06Message, GT06_COMMAND, GT06_LOCATION_2 } from '../gt06/gt06-message.ts';
import { CODEC_8, CODEC_8E, type AvlRecord } from '../teltonika/avl-data.ts';
import { CODEC12_COMMAND, CODEC12_RESPONSE } from '../teltonika/codec12.ts';
import { encodeCodec12, encodeTeltonikaAvl, encodeTeltonikaImei, readAvlAck, readTeltonikaTcp, TCP_OVERHEAD } from '../teltonika/tcp-frame.ts';
import type { Intercept } from './socket-reader.ts';
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

/** What a simulated Teltonika answers to an SMS/GPRS command, in the style of a real FMB. */
export function teltonikaAnswer(imei: string, command: string): string {
  switch (command.trim()) {
    case 'getinfo':
      return `INI:2026/12/6 0:00 RTC:2026/12/6 0:00 RST:0 ERR:0 SR:0 BR:0 CF:0 FG:0 FL:0 UT:0 SMS:0 NOGPS:0:0 GPS:3 SAT:${SATELLITES} RS:3 RF:0 SF:0 MD:1 IMEI:${imei}`;
    case 'getver':
      return `Code Ver:03.29.00 Rev:00 Device IMEI:${imei} Device ID:000000 Modem App Ver:fleetlake-simulator Hw:FMB920`;
    case 'getgps':
      return `GPS:1 Sat:${SATELLITES}`;
    default:
      return `Unsupported command: ${command}`;
  }
}

/**
 * Codec 12 commands are the only frames a Teltonika server sends unasked;
 * they start with the zero preamble, which no ACK (a record count of 1..255)
 * or login answer does.
 */
function teltonikaCommands(imei: string, received: string[]): Intercept {
  return (buffer, answer) => {
    if (buffer.length < 4 || buffer.readUInt32BE(0) !== 0) return 0;
    if (buffer.length < 8) return 'incomplete';
    const total = TCP_OVERHEAD + buffer.readUInt32BE(4);
    if (buffer.length < total) return 'incomplete';
    const out = readTeltonikaTcp(buffer.subarray(0, total), total);
    if (out.kind === 'frame' && out.value.type === 'codec12' && out.value.message.type === CODEC12_COMMAND) {
      received.push(out.value.message.text);
      answer(encodeCodec12({ type: CODEC12_RESPONSE, text: teltonikaAnswer(imei, out.value.message.text) }));
    }
    return total;
  };
}

/**
 * Codec 8 for even vehicles, 8 Extended for odd ones: a simulated fleet
 * exercises both. It answers Codec 12 commands (`commands` lists those it
 * received) while it sends.
 */
export function teltonikaDevice(imei: string, extended: boolean): StreamProtocolDevice & { packet(positions: readonly Position[]): Buffer; readonly commands: readonly string[] } {
  const commands: string[] = [];
  return {
    commands,
    intercept: teltonikaCommands(imei, commands),
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

/** What a simulated GT06 answers to an online command, in the style of a Concox. */
export function gt06Answer(command: string): string {
  return command.trim().toUpperCase() === 'STATUS#'
    ? `Battery:4.10V,NORMAL; GPRS:Link Up; GSM Signal Level:Strong; GPS:Successful positioning, SVS Used in fix:${SATELLITES}; ACC:ON; Defense:OFF`
    : `Unknown command: ${command}`;
}

/**
 * GT06 sends one location per frame; the serial counts frames, and the echo
 * of it is the ACK. It answers online commands (0x80) with 0x15, echoing the
 * server flag; `commands` lists those it received.
 */
export function gt06Device(imei: string): StreamProtocolDevice & { packet(position: Position): Buffer; readonly commands: readonly string[] } {
  let serial = 0;
  const next = () => (serial = (serial + 1) & 0xffff);
  const commands: string[] = [];
  return {
    commands,
    // Replies are `7878 05 <protocol> …`: a frame of protocol 0x80 can only be a command.
    intercept(buffer, answer) {
      const long = buffer.length >= 2 && buffer[0] === 0x79;
      const at = long ? 4 : 3;
      if (buffer.length <= at) return buffer.length >= 2 && (buffer[0] === 0x78 || buffer[0] === 0x79) ? 'incomplete' : 0;
      if (buffer[at] !== GT06_COMMAND) return 0;
      const out = readGt06Frame(buffer, 4096);
      if (out.kind === 'incomplete') return 'incomplete';
      if (out.kind === 'reject') return out.length;
      const { content } = out.value;
      const text = content.subarray(5, 1 + content[0]!).toString('latin1');
      commands.push(text);
      answer(encodeGt06Frame({ ...encodeGt06Message({ type: 'answer', serverFlag: content.readUInt32BE(1), text: gt06Answer(text) }), serial: next() }));
      return out.length;
    },
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
