import { ByteReader, ByteWriter, OutOfBytes } from '../byte-reader.ts';
import { crc16Ibm } from '../crc16.ts';
import { reject, type Framed } from '../frame-outcome.ts';
import { AvlInconsistent, CODEC_8, CODEC_8E, decodeAvlData, writeAvlData, type AvlData } from './avl-data.ts';
import { CODEC_12, decodeCodec12, writeCodec12, type Codec12Message } from './codec12.ts';

/**
 * Teltonika over TCP: the IMEI handshake, then packets
 * `00000000 | u32 length | data | u32 CRC-16/IBM of data`, and lone 0xFF
 * keep-alives. The framers read from the front of a connection's buffer and
 * say how many bytes a frame took.
 */
export type TeltonikaTcpFrame =
  | { readonly type: 'avl'; readonly data: AvlData }
  | { readonly type: 'codec12'; readonly message: Codec12Message }
  | { readonly type: 'keepalive' };

/** Longest IMEI (or device id) a handshake may carry. */
const MAX_ID_LENGTH = 32;
/** Preamble, length and CRC around the data. */
export const TCP_OVERHEAD = 12;

/** The first message of a session: `u16 length` + the IMEI in ASCII digits. */
export function readTeltonikaImei(buf: Buffer): Framed<string> {
  if (buf.length < 2) return { kind: 'incomplete' };
  const length = buf.readUInt16BE(0);
  if (length < 1 || length > MAX_ID_LENGTH) return { kind: 'reject', reject: reject('garbage', `an IMEI of ${length} bytes is not a Teltonika login`), length: buf.length };
  if (buf.length < 2 + length) return { kind: 'incomplete' };
  const imei = buf.toString('latin1', 2, 2 + length);
  if (!/^[0-9]+$/.test(imei)) return { kind: 'reject', reject: reject('garbage', 'the IMEI is not all digits'), length: 2 + length };
  return { kind: 'frame', length: 2 + length, value: imei };
}

/** One frame from the front of `buf` after the handshake; `maxBytes` caps a whole packet. */
export function readTeltonikaTcp(buf: Buffer, maxBytes: number): Framed<TeltonikaTcpFrame> {
  if (buf.length === 0) return { kind: 'incomplete' };
  if (buf[0] === 0xff) return { kind: 'frame', length: 1, value: { type: 'keepalive' } };
  const preambleSeen = Math.min(buf.length, 4);
  for (let i = 0; i < preambleSeen; i++) {
    if (buf[i] !== 0) return { kind: 'reject', reject: reject('garbage', 'a packet must start with the preamble 00000000'), length: buf.length };
  }
  if (buf.length < 8) return { kind: 'incomplete' };
  const dataLength = buf.readUInt32BE(4);
  const total = TCP_OVERHEAD + dataLength;
  if (total > maxBytes) return { kind: 'reject', reject: reject('oversized', `a packet of ${total} bytes exceeds the cap of ${maxBytes}`), length: buf.length };
  if (dataLength < 3) return { kind: 'reject', reject: reject('malformed', `a data length of ${dataLength} cannot hold a packet`), length: Math.min(total, buf.length) };
  if (buf.length < total) return { kind: 'incomplete' };
  const crc = buf.readUInt32BE(8 + dataLength);
  const computed = crc16Ibm(buf, 8, 8 + dataLength);
  if (crc !== computed) {
    return { kind: 'reject', reject: reject('bad_crc', `CRC ${crc.toString(16).padStart(8, '0')} but the data gives ${computed.toString(16).padStart(4, '0')}`), length: total };
  }
  const codec = buf[8]!;
  try {
    if (codec === CODEC_8 || codec === CODEC_8E) return { kind: 'frame', length: total, value: { type: 'avl', data: decodeAvlData(buf, 8, 8 + dataLength) } };
    if (codec === CODEC_12) return { kind: 'frame', length: total, value: { type: 'codec12', message: decodeCodec12(buf, 8, 8 + dataLength) } };
    return { kind: 'reject', reject: reject('unknown_codec', `codec 0x${codec.toString(16).padStart(2, '0')} is not decoded (08, 8E and 0C are)`), length: total };
  } catch (err) {
    if (err instanceof OutOfBytes) return { kind: 'reject', reject: reject('truncated', `the data length says ${dataLength} bytes but the records need more: ${err.message}`), length: total };
    if (err instanceof AvlInconsistent) return { kind: 'reject', reject: reject('malformed', err.message), length: total };
    return { kind: 'reject', reject: reject('malformed', `undecodable packet: ${String(err)}`), length: total };
  }
}

function packet(write: (w: ByteWriter) => void): Buffer {
  const w = new ByteWriter();
  w.u32(0).u32(0);
  write(w);
  const dataLength = w.length - 8;
  w.patchU32(4, dataLength).u32(crc16Ibm(w.view(), 8, 8 + dataLength));
  return w.toBuffer();
}

export function encodeTeltonikaAvl(data: AvlData): Buffer {
  return packet((w) => writeAvlData(w, data));
}

export function encodeCodec12(message: Codec12Message): Buffer {
  return packet((w) => writeCodec12(w, message));
}

export function encodeTeltonikaImei(imei: string): Buffer {
  return new ByteWriter().u16(imei.length).bytes(Buffer.from(imei, 'latin1')).toBuffer();
}

/** The server's answer to the handshake: 01 accepts, 00 rejects. */
export const imeiAnswer = (accept: boolean): Buffer => Buffer.from([accept ? 1 : 0]);

/** The server's answer to an AVL packet: the number of records accepted. */
export const avlAck = (accepted: number): Buffer => new ByteWriter(4).u32(accepted).toBuffer();

/** Reads the server's record-count answer (the simulator's side); undefined until 4 bytes are there. */
export function readAvlAck(buf: Buffer): number | undefined {
  return buf.length < 4 ? undefined : new ByteReader(buf).u32();
}
