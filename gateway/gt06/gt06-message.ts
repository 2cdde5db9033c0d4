import { ByteReader, ByteWriter, OutOfBytes } from '../byte-reader.ts';
import { decoded, reject, type Decoded } from '../frame-outcome.ts';
import type { Gt06Frame } from './gt06-frame.ts';

/** The GT06 messages the gateway decodes: login 0x01, location 0x12 and 0x22, heartbeat 0x13, command answers 0x15 and 0x21. */
export const GT06_LOGIN = 0x01;
export const GT06_LOCATION = 0x12;
export const GT06_LOCATION_2 = 0x22;
export const GT06_HEARTBEAT = 0x13;
export const GT06_ANSWER = 0x15;
export const GT06_ANSWER_2 = 0x21;
/** The server's online command: `u8 length of flag + text | u32 server flag | ASCII command`; the device answers 0x15 (0x21 on newer models). */
export const GT06_COMMAND = 0x80;

/** GT06 latitude and longitude unit: degrees × 30000 × 60. */
const UNITS_PER_DEGREE = 1_800_000;
const POSITIONED = 1 << 12;
const WEST = 1 << 11;
const NORTH = 1 << 10;

export interface Gt06Login {
  readonly type: 'login';
  readonly imei: string;
  /** Bytes some models add after the IMEI (type id, time zone), kept as sent. */
  readonly tail: Buffer;
}

export interface Gt06Location {
  readonly type: 'location';
  readonly protocol: typeof GT06_LOCATION | typeof GT06_LOCATION_2;
  readonly timestampMs: number;
  /** High nibble of the satellites byte (length of the GPS block), kept for a faithful re-encode. */
  readonly gpsInfoLength: number;
  readonly satellites: number;
  /** Signed degrees; the wire carries a magnitude and the north/west bits. */
  readonly lat: number;
  readonly lon: number;
  readonly speedKmh: number;
  readonly courseDeg: number;
  /** Bit 12: the fix is valid; without it the record is not a position. */
  readonly positioned: boolean;
  /** Bits 13..15 of course/status (real-time/differential flags), kept as sent. */
  readonly statusHigh: number;
  readonly mcc: number;
  readonly mnc: number;
  readonly lac: number;
  readonly cellId: number;
  /** 0x22 adds ACC, upload mode, real-time flag (and on some models mileage); kept as sent. */
  readonly tail: Buffer;
}

export interface Gt06Heartbeat {
  readonly type: 'heartbeat';
  /** Bit 1 is ACC (ignition), bit 6 GPS tracking on. */
  readonly terminalInfo: number;
  readonly voltageLevel: number;
  readonly gsmSignal: number;
  readonly tail: Buffer;
}

/** A device's answer to an online command: `u8 length | u32 server flag | text [| u16 language]` (0x15), or `u32 flag | u8 encoding | text` (0x21). */
export interface Gt06Answer {
  readonly type: 'answer';
  readonly serverFlag: number;
  readonly text: string;
}

export type Gt06Message = Gt06Login | Gt06Location | Gt06Heartbeat | Gt06Answer;

export function decodeGt06Message(frame: Gt06Frame): Decoded<Gt06Message> {
  const r = new ByteReader(frame.content);
  const rest = () => Buffer.from(r.slice(r.remaining));
  try {
    switch (frame.protocol) {
      case GT06_LOGIN: {
        const imei = r.slice(8).toString('hex').replace(/^0/, '');
        if (!/^[0-9]{15}$/.test(imei)) return reject('malformed', `the login IMEI ${imei} is not 15 BCD digits`);
        return decoded({ type: 'login', imei, tail: rest() });
      }
      case GT06_LOCATION:
      case GT06_LOCATION_2: {
        const [yy, mo, dd, hh, mi, ss] = [r.u8(), r.u8(), r.u8(), r.u8(), r.u8(), r.u8()];
        if (mo < 1 || mo > 12 || dd < 1 || dd > 31 || hh > 23 || mi > 59 || ss > 59) return reject('malformed', `the date ${yy}-${mo}-${dd} ${hh}:${mi}:${ss} is not a time`);
        const sats = r.u8();
        const latRaw = r.u32();
        const lonRaw = r.u32();
        const speedKmh = r.u8();
        const status = r.u16();
        const location: Gt06Location = {
          type: 'location',
          protocol: frame.protocol,
          timestampMs: Date.UTC(2000 + yy, mo - 1, dd, hh, mi, ss),
          gpsInfoLength: sats >> 4,
          satellites: sats & 0x0f,
          lat: (status & NORTH ? 1 : -1) * (latRaw / UNITS_PER_DEGREE),
          lon: (status & WEST ? -1 : 1) * (lonRaw / UNITS_PER_DEGREE),
          speedKmh,
          courseDeg: status & 0x3ff,
          positioned: (status & POSITIONED) !== 0,
          statusHigh: status >> 13,
          mcc: r.u16(),
          mnc: r.u8(),
          lac: r.u16(),
          cellId: r.u24(),
          tail: rest(),
        };
        if (Math.abs(location.lat) > 90 || Math.abs(location.lon) > 180) return reject('malformed', `coordinates ${location.lat}, ${location.lon} are out of range`);
        return decoded(location);
      }
      case GT06_HEARTBEAT:
        return decoded({ type: 'heartbeat', terminalInfo: r.u8(), voltageLevel: r.u8(), gsmSignal: r.u8(), tail: rest() });
      case GT06_ANSWER: {
        const length = r.u8();
        if (length < 4) return reject('malformed', `an answer length of ${length} cannot hold the server flag`);
        const serverFlag = r.u32();
        return decoded({ type: 'answer', serverFlag, text: r.slice(length - 4).toString('latin1') });
      }
      case GT06_ANSWER_2: {
        const serverFlag = r.u32();
        const encoding = r.u8();
        const text = rest();
        return decoded({ type: 'answer', serverFlag, text: encoding === 2 ? text.swap16().toString('utf16le') : text.toString('latin1') });
      }
      default:
        return reject('unknown_codec', `GT06 protocol 0x${frame.protocol.toString(16).padStart(2, '0')} is not decoded (01, 12, 13, 15, 21 and 22 are)`);
    }
  } catch (err) {
    if (err instanceof OutOfBytes) return reject('truncated', `protocol 0x${frame.protocol.toString(16)}: ${err.message}`);
    return reject('malformed', String(err));
  }
}

/** The content bytes and protocol number of a message (the simulator's side). */
export function encodeGt06Message(message: Gt06Message): { protocol: number; content: Buffer } {
  const w = new ByteWriter(64);
  switch (message.type) {
    case 'login':
      w.bytes(Buffer.from(message.imei.padStart(16, '0'), 'hex')).bytes(message.tail);
      return { protocol: GT06_LOGIN, content: w.toBuffer() };
    case 'answer': {
      const text = Buffer.from(message.text, 'latin1');
      w.u8(4 + text.length).u32(message.serverFlag).bytes(text);
      return { protocol: GT06_ANSWER, content: w.toBuffer() };
    }
    case 'heartbeat':
      w.u8(message.terminalInfo).u8(message.voltageLevel).u8(message.gsmSignal).bytes(message.tail);
      return { protocol: GT06_HEARTBEAT, content: w.toBuffer() };
    case 'location': {
      const d = new Date(message.timestampMs);
      w.u8(d.getUTCFullYear() - 2000).u8(d.getUTCMonth() + 1).u8(d.getUTCDate()).u8(d.getUTCHours()).u8(d.getUTCMinutes()).u8(d.getUTCSeconds());
      w.u8((message.gpsInfoLength << 4) | (message.satellites & 0x0f));
      w.u32(Math.round(Math.abs(message.lat) * UNITS_PER_DEGREE)).u32(Math.round(Math.abs(message.lon) * UNITS_PER_DEGREE));
      const status =
        (message.statusHigh << 13) | (message.positioned ? POSITIONED : 0) | (message.lon < 0 || Object.is(message.lon, -0) ? WEST : 0) | (message.lat >= 0 && !Object.is(message.lat, -0) ? NORTH : 0) | (message.courseDeg & 0x3ff);
      w.u8(message.speedKmh).u16(status).u16(message.mcc).u8(message.mnc).u16(message.lac).u24(message.cellId).bytes(message.tail);
      return { protocol: message.protocol, content: w.toBuffer() };
    }
  }
}

/** The content of an online command (protocol 0x80), without the language field some models take. */
export function encodeGt06Command(command: string, serverFlag: number): { protocol: number; content: Buffer } {
  const text = Buffer.from(command, 'latin1');
  return { protocol: GT06_COMMAND, content: new ByteWriter(5 + text.length).u8(4 + text.length).u32(serverFlag).bytes(text).toBuffer() };
}
