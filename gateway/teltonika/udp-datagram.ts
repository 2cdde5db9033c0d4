import { ByteReader, ByteWriter, OutOfBytes } from '../byte-reader.ts';
import { decoded, reject, type Decoded } from '../frame-outcome.ts';
import { AvlInconsistent, CODEC_8, CODEC_8E, decodeAvlData, writeAvlData, type AvlData } from './avl-data.ts';

/**
 * Teltonika over UDP: each datagram carries its IMEI and one AVL packet, no
 * CRC (UDP's checksum stands in). `u16 length | u16 packet id | 01 |
 * u8 AVL packet id | u16 IMEI length | IMEI | AVL data`.
 */
export interface TeltonikaUdpPacket {
  readonly packetId: number;
  readonly avlPacketId: number;
  readonly imei: string;
  readonly data: AvlData;
}

export function decodeTeltonikaUdp(buf: Buffer, maxBytes: number): Decoded<TeltonikaUdpPacket> {
  if (buf.length > maxBytes) return reject('oversized', `a datagram of ${buf.length} bytes exceeds the cap of ${maxBytes}`);
  try {
    const r = new ByteReader(buf);
    const length = r.u16();
    if (length > r.remaining) return reject('truncated', `the datagram says ${length} bytes follow but ${r.remaining} do`);
    if (length < r.remaining) return reject('malformed', `the datagram says ${length} bytes follow but ${r.remaining} do`);
    const packetId = r.u16();
    r.u8(); // "not usable byte", 01
    const avlPacketId = r.u8();
    const imeiLength = r.u16();
    if (imeiLength < 1 || imeiLength > 32) return reject('garbage', `an IMEI of ${imeiLength} bytes is not a Teltonika datagram`);
    const imei = r.slice(imeiLength).toString('latin1');
    if (!/^[0-9]+$/.test(imei)) return reject('garbage', 'the IMEI is not all digits');
    const codec = r.u8();
    if (codec !== CODEC_8 && codec !== CODEC_8E) return reject('unknown_codec', `codec 0x${codec.toString(16).padStart(2, '0')} is not decoded over UDP (08 and 8E are)`);
    return decoded({ packetId, avlPacketId, imei, data: decodeAvlData(buf, r.offset - 1, buf.length) });
  } catch (err) {
    if (err instanceof OutOfBytes) return reject('truncated', err.message);
    if (err instanceof AvlInconsistent) return reject('malformed', err.message);
    return reject('malformed', `undecodable datagram: ${String(err)}`);
  }
}

export function encodeTeltonikaUdp(packet: TeltonikaUdpPacket): Buffer {
  const w = new ByteWriter();
  w.u16(0).u16(packet.packetId).u8(1).u8(packet.avlPacketId).u16(packet.imei.length).bytes(Buffer.from(packet.imei, 'latin1'));
  writeAvlData(w, packet.data);
  return w.patchU16(0, w.length - 2).toBuffer();
}

/** The server's answer: `0005 | packet id | 01 | AVL packet id | records accepted`. */
export function encodeTeltonikaUdpAck(packetId: number, avlPacketId: number, accepted: number): Buffer {
  return new ByteWriter(7).u16(5).u16(packetId).u8(1).u8(avlPacketId).u8(accepted).toBuffer();
}

/** The simulator's side: the answer's packet id and accepted count, or undefined for anything else. */
export function decodeTeltonikaUdpAck(buf: Buffer): { packetId: number; avlPacketId: number; accepted: number } | undefined {
  if (buf.length !== 7 || buf.readUInt16BE(0) !== 5) return undefined;
  return { packetId: buf.readUInt16BE(2), avlPacketId: buf[5]!, accepted: buf[6]! };
}
