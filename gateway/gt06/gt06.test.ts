import { describe, expect, it } from 'vitest';
import { randomGt06Location } from '../../test-support/random-frames.ts';
import { seededRandom } from '../../test-support/test-seed.ts';
import { encodeGt06Frame, gt06Reply, readGt06Frame, type Gt06Frame } from './gt06-frame.ts';
import { crc16X25 } from '../crc16.ts';
import { decodeGt06Message, encodeGt06Command, encodeGt06Message, type Gt06Message } from './gt06-message.ts';

const hex = (h: string) => Buffer.from(h, 'hex');
const CAP = 1024;
const LOGIN_1 = '78780D01012345678901234500018CDD0D0A';
const LOGIN_2 = '78780D01086471700328358100093F040D0A';
const LOCATION_12 = '78781F120B081D112E10CF027AC7EB0C46584900148F01CC00287D001FB8000380810D0A';
const LOCATION_22 = '787822220F0C1D023305C9027AC8180C46586000140001CC00287D001F71000001000820860D0A';

function frameOf(vector: string): Gt06Frame {
  const out = readGt06Frame(hex(vector), CAP);
  if (out.kind !== 'frame') throw new Error(`expected a frame, got ${JSON.stringify(out)}`);
  expect(out.length).toBe(vector.length / 2);
  return out.value;
}

function messageOf(vector: string): Gt06Message {
  const out = decodeGt06Message(frameOf(vector));
  if (!out.ok) throw new Error(out.detail);
  return out.value;
}

describe('GT06: the reference vectors', () => {
  it('login: IMEI 123456789012345, serial 1, answered 787805010001D9DC0D0A', () => {
    expect(frameOf(LOGIN_1).serial).toBe(1);
    expect(messageOf(LOGIN_1)).toEqual({ type: 'login', imei: '123456789012345', tail: Buffer.alloc(0) });
    expect(gt06Reply(frameOf(LOGIN_1)).toString('hex').toUpperCase()).toBe('787805010001D9DC0D0A');
  });

  it('login: IMEI 864717003283581, serial 9', () => {
    expect(frameOf(LOGIN_2).serial).toBe(9);
    expect(messageOf(LOGIN_2)).toMatchObject({ type: 'login', imei: '864717003283581' });
  });

  it('location 0x12: 2011-08-29 17:46:16, 15 satellites, 23.111668 N 114.409285 E, speed 0, course 143, positioned', () => {
    const m = messageOf(LOCATION_12);
    if (m.type !== 'location') throw new Error(m.type);
    expect(m).toMatchObject({ protocol: 0x12, timestampMs: Date.UTC(2011, 7, 29, 17, 46, 16), satellites: 15, speedKmh: 0, courseDeg: 143, positioned: true });
    expect(m.lat.toFixed(6)).toBe('23.111668');
    expect(m.lon.toFixed(6)).toBe('114.409285');
    expect(m).toMatchObject({ mcc: 460, mnc: 0, lac: 0x287d, cellId: 0x001fb8 });
  });

  it('location 0x22: 2015-12-29 02:51:05, 9 satellites, 23.111693 114.409298', () => {
    const m = messageOf(LOCATION_22);
    if (m.type !== 'location') throw new Error(m.type);
    expect(m).toMatchObject({ protocol: 0x22, timestampMs: Date.UTC(2015, 11, 29, 2, 51, 5), satellites: 9, positioned: true });
    expect(m.lat.toFixed(6)).toBe('23.111693');
    expect(m.lon.toFixed(6)).toBe('114.409298');
  });

  it('the replies to location and heartbeat echo protocol and serial', () => {
    const f = frameOf(LOCATION_22);
    expect(readGt06Frame(gt06Reply(f), CAP)).toEqual({ kind: 'frame', length: 10, value: { protocol: 0x22, content: Buffer.alloc(0), serial: 8 } });
    const heartbeat = encodeGt06Frame({ protocol: 0x13, content: hex('4006040002'), serial: 0x0a });
    expect(messageOf(heartbeat.toString('hex'))).toEqual({ type: 'heartbeat', terminalInfo: 0x40, voltageLevel: 6, gsmSignal: 4, tail: hex('0002') });
    expect(readGt06Frame(gt06Reply({ protocol: 0x13, serial: 0x0a }), CAP)).toMatchObject({ kind: 'frame', value: { protocol: 0x13, serial: 0x0a } });
  });

  it('re-encodes every vector byte for byte', () => {
    for (const vector of [LOGIN_1, LOGIN_2, LOCATION_12, LOCATION_22]) {
      const f = frameOf(vector);
      const m = messageOf(vector);
      const { protocol, content } = encodeGt06Message(m);
      expect(encodeGt06Frame({ protocol, content, serial: f.serial }).toString('hex').toUpperCase()).toBe(vector);
    }
  });
});

describe('GT06: round trips and bad input', () => {
  const { random } = seededRandom('gt06');

  it('random locations (all four hemispheres, both protocols, fix or not) decode to what was encoded', () => {
    for (let i = 0; i < 2000; i++) {
      const location = randomGt06Location(random);
      const { protocol, content } = encodeGt06Message(location);
      const serial = random.int(0x10000);
      const bytes = encodeGt06Frame({ protocol, content, serial });
      const out = readGt06Frame(bytes, CAP);
      if (out.kind !== 'frame') throw new Error(JSON.stringify(out));
      expect(out.value.serial).toBe(serial);
      expect(decodeGt06Message(out.value)).toEqual({ ok: true, value: location });
    }
  });

  it('long frames (7979) round-trip too', () => {
    const content = Buffer.alloc(300, 7);
    const bytes = encodeGt06Frame({ protocol: 0x94, content, serial: 3 });
    expect(bytes.subarray(0, 2).toString('hex')).toBe('7979');
    expect(readGt06Frame(bytes, CAP)).toEqual({ kind: 'frame', length: bytes.length, value: { protocol: 0x94, content, serial: 3 } });
  });

  it('every prefix of a frame is incomplete', () => {
    const bytes = hex(LOCATION_12);
    for (let n = 0; n < bytes.length; n++) expect(readGt06Frame(bytes.subarray(0, n), CAP)).toEqual({ kind: 'incomplete' });
  });

  it('gives a reason for each kind of bad frame', () => {
    const frameReason = (bytes: Buffer, cap = CAP) => {
      const out = readGt06Frame(bytes, cap);
      return out.kind === 'reject' ? out.reject.reason : out.kind;
    };
    const crc = hex(LOGIN_1);
    crc[crc.length - 3]! ^= 1;
    expect(frameReason(crc)).toBe('bad_crc');
    expect(frameReason(Buffer.from('GET /'))).toBe('garbage');
    expect(frameReason(hex(LOCATION_12), 20)).toBe('oversized');
    const tail = hex(LOGIN_1);
    tail[tail.length - 1] = 0;
    expect(frameReason(tail)).toBe('garbage');
    expect(decodeGt06Message({ protocol: 0x99, content: Buffer.alloc(0), serial: 1 })).toMatchObject({ ok: false, reason: 'unknown_codec' });
    expect(decodeGt06Message({ protocol: 0x12, content: hex('0B081D112E10CF'), serial: 1 })).toMatchObject({ ok: false, reason: 'truncated' });
    expect(decodeGt06Message({ protocol: 0x01, content: hex('0A2345678901234F'), serial: 1 })).toMatchObject({ ok: false, reason: 'malformed' });
    for (let i = 0; i < 2000; i++) {
      const content = Buffer.from(Array.from({ length: random.int(40) }, () => random.int(256)));
      const bytes = encodeGt06Frame({ protocol: [0x01, 0x12, 0x13, 0x22][random.int(4)]!, content, serial: 0 });
      expect(() => {
        const out = readGt06Frame(bytes, CAP);
        if (out.kind === 'frame') decodeGt06Message(out.value);
      }).not.toThrow();
    }
  });
});

describe('GT06: online commands (0x80) and their answers (0x15, 0x21)', () => {
  it('a command is `length | server flag | ASCII` in a 0x80 frame', () => {
    const frame = encodeGt06Frame({ ...encodeGt06Command('DWXX#', 1), serial: 1 });
    // 7878, length 0F (protocol 1 + content 10 + serial 2 + CRC 2), 80, 09 = flag 4 + text 5, flag 00000001, "DWXX#", serial 0001.
    expect(frame.subarray(0, -4).toString('hex').toUpperCase()).toBe('78780F8009000000014457585823' + '0001');
    expect(frame.readUInt16BE(frame.length - 4)).toBe(crc16X25(frame, 2, frame.length - 4));
    expect(frame.subarray(-2).toString('hex')).toBe('0d0a');
    expect(frameOf(frame.toString('hex')).protocol).toBe(0x80);
  });

  it('answers decode from both forms, with or without the language field', () => {
    const answer = (protocol: number, content: string) => decodeGt06Message({ protocol, content: hex(content), serial: 1 });
    // 0x15: length 7 = flag 4 + "OK!", flag 00000001, "OK!", language 0002.
    expect(answer(0x15, '07000000014F4B210002')).toEqual({ ok: true, value: { type: 'answer', serverFlag: 1, text: 'OK!' } });
    // 0x21: flag, encoding 01 (ASCII), text to the end; encoding 02 is UTF-16BE.
    expect(answer(0x21, '00000002014F4B')).toEqual({ ok: true, value: { type: 'answer', serverFlag: 2, text: 'OK' } });
    expect(answer(0x21, '0000000202004F004B')).toEqual({ ok: true, value: { type: 'answer', serverFlag: 2, text: 'OK' } });
    expect(answer(0x15, '02000000')).toMatchObject({ ok: false, reason: 'malformed' });
    const simulated = encodeGt06Message({ type: 'answer', serverFlag: 3, text: 'Battery:4.1V' });
    expect(decodeGt06Message({ ...simulated, serial: 1 })).toEqual({ ok: true, value: { type: 'answer', serverFlag: 3, text: 'Battery:4.1V' } });
  });
});
