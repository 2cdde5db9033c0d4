import { ByteReader, ByteWriter } from '../byte-reader.ts';
import { AvlInconsistent } from './avl-data.ts';

/** Teltonika Codec 12: text commands to a device (type 0x05) and its responses (type 0x06), on the TCP connection. */
export const CODEC_12 = 0x0c;
export const CODEC12_COMMAND = 0x05;
export const CODEC12_RESPONSE = 0x06;

export interface Codec12Message {
  readonly type: typeof CODEC12_COMMAND | typeof CODEC12_RESPONSE;
  /** The command or the device's answer, as ASCII text. */
  readonly text: string;
}

/** Decodes codec id .. second quantity over [start, end). Throws OutOfBytes or AvlInconsistent (the TCP framer catches both). */
export function decodeCodec12(bytes: Buffer, start: number, end: number): Codec12Message {
  const r = new ByteReader(bytes, start, end);
  r.u8(); // codec id, checked by the framer
  const quantity = r.u8();
  if (quantity !== 1) throw new AvlInconsistent(`Codec 12 with ${quantity} messages; devices send 1`);
  const type = r.u8();
  if (type !== CODEC12_COMMAND && type !== CODEC12_RESPONSE) throw new AvlInconsistent(`Codec 12 type 0x${type.toString(16)} is neither command (05) nor response (06)`);
  const text = r.slice(r.u32()).toString('latin1');
  const again = r.u8();
  if (again !== quantity) throw new AvlInconsistent(`Codec 12 quantity ${quantity} at the start but ${again} at the end`);
  if (r.remaining !== 0) throw new AvlInconsistent(`${r.remaining} byte(s) after the Codec 12 quantity`);
  return { type, text };
}

export function writeCodec12(w: ByteWriter, message: Codec12Message): void {
  const text = Buffer.from(message.text, 'latin1');
  w.u8(CODEC_12).u8(1).u8(message.type).u32(text.length).bytes(text).u8(1);
}
