import { ByteWriter } from '../byte-reader.ts';
import { crc16X25 } from '../crc16.ts';
import { reject, type Framed } from '../frame-outcome.ts';

/**
 * GT06/Concox framing: `7878 | u8 length | protocol | content | u16 serial |
 * u16 CRC | 0D0A`, or `7979 | u16 length | …` for long frames; the length
 * counts protocol .. CRC and the CRC-16/X-25 covers length .. serial.
 */
export interface Gt06Frame {
  readonly protocol: number;
  readonly content: Buffer;
  readonly serial: number;
}

const SHORT = 0x7878;
const LONG = 0x7979;

export function readGt06Frame(buf: Buffer, maxBytes: number): Framed<Gt06Frame> {
  if (buf.length < 2) return buf.length === 1 && buf[0] !== 0x78 && buf[0] !== 0x79 ? garbage(buf) : { kind: 'incomplete' };
  const start = buf.readUInt16BE(0);
  if (start !== SHORT && start !== LONG) return garbage(buf);
  const lengthBytes = start === SHORT ? 1 : 2;
  if (buf.length < 2 + lengthBytes) return { kind: 'incomplete' };
  const length = lengthBytes === 1 ? buf[2]! : buf.readUInt16BE(2);
  const total = 2 + lengthBytes + length + 2;
  if (total > maxBytes) return { kind: 'reject', reject: reject('oversized', `a frame of ${total} bytes exceeds the cap of ${maxBytes}`), length: buf.length };
  if (length < 5) return { kind: 'reject', reject: reject('malformed', `a length of ${length} cannot hold protocol, serial and CRC`), length: Math.min(total, buf.length) };
  if (buf.length < total) return { kind: 'incomplete' };
  if (buf[total - 2] !== 0x0d || buf[total - 1] !== 0x0a) return { kind: 'reject', reject: reject('garbage', 'the frame does not end with 0D0A'), length: total };
  const crcAt = total - 4;
  const crc = buf.readUInt16BE(crcAt);
  const computed = crc16X25(buf, 2, crcAt);
  if (crc !== computed) return { kind: 'reject', reject: reject('bad_crc', `CRC ${hex4(crc)} but the frame gives ${hex4(computed)}`), length: total };
  const protocolAt = 2 + lengthBytes;
  return {
    kind: 'frame',
    length: total,
    value: { protocol: buf[protocolAt]!, content: Buffer.from(buf.subarray(protocolAt + 1, crcAt - 2)), serial: buf.readUInt16BE(crcAt - 2) },
  };
}

const garbage = (buf: Buffer): Framed<Gt06Frame> => ({ kind: 'reject', reject: reject('garbage', 'a GT06 frame starts with 7878 or 7979'), length: buf.length });
const hex4 = (n: number) => n.toString(16).padStart(4, '0').toUpperCase();

/** Builds a frame; the long form is used when the content does not fit the short one. */
export function encodeGt06Frame(frame: Gt06Frame): Buffer {
  const length = 1 + frame.content.length + 4;
  const long = length > 0xff;
  const w = new ByteWriter(length + 8);
  w.u16(long ? LONG : SHORT);
  if (long) w.u16(length);
  else w.u8(length);
  w.u8(frame.protocol).bytes(frame.content).u16(frame.serial);
  w.u16(crc16X25(w.view(), 2, w.length)).u8(0x0d).u8(0x0a);
  return w.toBuffer();
}

/** The answer login, heartbeat and location frames wait for: their protocol and serial echoed with no content. */
export function gt06Reply(frame: Pick<Gt06Frame, 'protocol' | 'serial'>): Buffer {
  return encodeGt06Frame({ protocol: frame.protocol, content: Buffer.alloc(0), serial: frame.serial });
}
