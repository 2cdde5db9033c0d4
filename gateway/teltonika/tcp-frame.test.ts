import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test-support/test-seed.ts';
import { randomAvlRecord, teltonikaPacketAround } from '../../test-support/random-frames.ts';
import { CODEC_8, CODEC_8E, type AvlCodec, type AvlRecord } from './avl-data.ts';
import { avlAck, encodeCodec12, encodeTeltonikaAvl, encodeTeltonikaImei, imeiAnswer, readAvlAck, readTeltonikaImei, readTeltonikaTcp, type TeltonikaTcpFrame } from './tcp-frame.ts';

const hex = (h: string) => Buffer.from(h, 'hex');
const CAP = 1280;

/** The vectors of the devices reference (shared/devices/README.md), CRCs checked independently. */
const C8_1 = '000000000000003608010000016B40D8EA30010000000000000000000000000000000105021503010101425E0F01F10000601A014E0000000000000000010000C7CF';
const C8_2 = '000000000000002808010000016B40D9AD80010000000000000000000000000000000103021503010101425E100000010000F22A';
const C8_3 = '000000000000004308020000016B40D57B480100000000000000000000000000000001010101000000000000016B40D5C198010000000000000000000000000000000101010101000000020000252C';
const C8E_1 =
  '000000000000004A8E010000016B412CEE000100000000000000000000000000000000010005000100010100010011001D00010010015E2C880002000B000000003544C87A000E000000001DD7E06A00000100002994';

const noFix = { priority: 1, lonE7: 0, latE7: 0, altitudeM: 0, angleDeg: 0, satellites: 0, speedKmh: 0 };

function frame(bytes: Buffer): TeltonikaTcpFrame {
  const out = readTeltonikaTcp(bytes, CAP);
  if (out.kind !== 'frame') throw new Error(`expected a frame, got ${JSON.stringify(out)}`);
  expect(out.length).toBe(bytes.length);
  return out.value;
}

function records(bytes: Buffer): readonly AvlRecord[] {
  const f = frame(bytes);
  if (f.type !== 'avl') throw new Error(`expected AVL data, got ${f.type}`);
  return f.data.records;
}

describe('Teltonika over TCP: the reference vectors', () => {
  it('the IMEI handshake reads 356307042441013 and the answers are 01 / 00', () => {
    const login = hex('000F333536333037303432343431303133');
    expect(readTeltonikaImei(login)).toEqual({ kind: 'frame', length: 17, value: '356307042441013' });
    expect(encodeTeltonikaImei('356307042441013')).toEqual(login);
    expect(imeiAnswer(true)).toEqual(hex('01'));
    expect(imeiAnswer(false)).toEqual(hex('00'));
  });

  it('C8-1: one record without fix, 2019-06-10 10:04:46 UTC, IO {21:3, 1:1} {66:24079} {241:24602} {78:0}; answer 00000001', () => {
    expect(records(hex(C8_1))).toEqual([
      {
        timestampMs: Date.UTC(2019, 5, 10, 10, 4, 46),
        ...noFix,
        io: {
          eventId: 1,
          one: [{ id: 21, value: 3 }, { id: 1, value: 1 }],
          two: [{ id: 66, value: 24079 }],
          four: [{ id: 241, value: 24602 }],
          eight: [{ id: 78, value: 0n }],
          nx: [],
        },
      },
    ]);
    expect(avlAck(1)).toEqual(hex('00000001'));
  });

  it('C8-2: one record, 2019-06-10 10:05:36 UTC, IO {21:3, 1:1} {66:24080}', () => {
    expect(records(hex(C8_2))).toEqual([
      {
        timestampMs: Date.UTC(2019, 5, 10, 10, 5, 36),
        ...noFix,
        io: { eventId: 1, one: [{ id: 21, value: 3 }, { id: 1, value: 1 }], two: [{ id: 66, value: 24080 }], four: [], eight: [], nx: [] },
      },
    ]);
  });

  it('C8-3: two records, 10:01:01 IO {1:0} and 10:01:19 IO {1:1}; answer 00000002', () => {
    const io = (value: number) => ({ eventId: 1, one: [{ id: 1, value }], two: [], four: [], eight: [], nx: [] });
    expect(records(hex(C8_3))).toEqual([
      { timestampMs: Date.UTC(2019, 5, 10, 10, 1, 1), ...noFix, io: io(0) },
      { timestampMs: Date.UTC(2019, 5, 10, 10, 1, 19), ...noFix, io: io(1) },
    ]);
    expect(avlAck(2)).toEqual(hex('00000002'));
  });

  it('C8E-1: Codec 8 Extended, 2019-06-10 11:36:32 UTC, IO {1:1} {17:29} {16:22949000} {11:893700218, 14:500686954}, NX empty', () => {
    const f = frame(hex(C8E_1));
    expect(f).toEqual({
      type: 'avl',
      data: {
        codec: CODEC_8E,
        records: [
          {
            timestampMs: Date.UTC(2019, 5, 10, 11, 36, 32),
            ...noFix,
            io: {
              eventId: 1,
              one: [{ id: 1, value: 1 }],
              two: [{ id: 17, value: 29 }],
              four: [{ id: 16, value: 22949000 }],
              eight: [{ id: 11, value: 893700218n }, { id: 14, value: 500686954n }],
              nx: [],
            },
          },
        ],
      },
    });
  });

  it('re-encodes every vector byte for byte', () => {
    for (const vector of [C8_1, C8_2, C8_3, C8E_1]) {
      const f = frame(hex(vector));
      if (f.type !== 'avl') throw new Error('not AVL');
      expect(encodeTeltonikaAvl(f.data).toString('hex').toUpperCase()).toBe(vector);
    }
  });

  it('Codec 12: getinfo encodes as Teltonika documents it, and a response decodes', () => {
    // The example of Teltonika's Codec 12 documentation (CRC 4312).
    expect(encodeCodec12({ type: 0x05, text: 'getinfo' }).toString('hex').toUpperCase()).toBe('000000000000000F0C010500000007676574696E666F0100004312');
    const answer = encodeCodec12({ type: 0x06, text: 'INI:2019/7/22 7:22 RTC:2019/7/22 7:53' });
    expect(frame(answer)).toEqual({ type: 'codec12', message: { type: 0x06, text: 'INI:2019/7/22 7:22 RTC:2019/7/22 7:53' } });
  });

  it('a lone FF is a keep-alive, and the record-count answer reads back', () => {
    expect(readTeltonikaTcp(hex('FF'), CAP)).toEqual({ kind: 'frame', length: 1, value: { type: 'keepalive' } });
    expect(readAvlAck(hex('0000'))).toBeUndefined();
    expect(readAvlAck(hex('000000FF'))).toBe(255);
  });
});

describe('Teltonika over TCP: round trips on random records', () => {
  const { random } = seededRandom('teltonika-tcp');

  for (const codec of [CODEC_8, CODEC_8E] as AvlCodec[]) {
    it(`codec 0x${codec.toString(16)}: 1..255 records per packet decode to what was encoded`, () => {
      for (const count of [1, 2, 3, 17, 128, 254, 255, ...Array.from({ length: 20 }, () => 1 + random.int(255))]) {
        const data = { codec, records: Array.from({ length: count }, () => randomAvlRecord(random, codec)) };
        const bytes = encodeTeltonikaAvl(data);
        const out = readTeltonikaTcp(bytes, 1 << 20);
        expect(out).toEqual({ kind: 'frame', length: bytes.length, value: { type: 'avl', data } });
      }
    });
  }

  it('every split of a packet across reads is incomplete until its last byte', () => {
    const bytes = encodeTeltonikaAvl({ codec: CODEC_8E, records: [randomAvlRecord(random, CODEC_8E)] });
    for (let n = 1; n < bytes.length; n++) expect(readTeltonikaTcp(bytes.subarray(0, n), 1 << 20)).toEqual({ kind: 'incomplete' });
  });

  it('two packets back to back are read one at a time', () => {
    const a = encodeTeltonikaAvl({ codec: CODEC_8, records: [randomAvlRecord(random, CODEC_8)] });
    const b = encodeTeltonikaAvl({ codec: CODEC_8, records: [randomAvlRecord(random, CODEC_8)] });
    const out = readTeltonikaTcp(Buffer.concat([a, b]), CAP);
    expect(out.kind === 'frame' && out.length).toBe(a.length);
  });
});

describe('Teltonika over TCP: bad input is a coded outcome, never a throw', () => {
  const reason = (bytes: Buffer, cap = CAP) => {
    const out = readTeltonikaTcp(bytes, cap);
    return out.kind === 'reject' ? out.reject.reason : out.kind;
  };

  it('a wrong CRC is bad_crc', () => {
    const bytes = hex(C8_2);
    bytes[bytes.length - 1]! ^= 0x01;
    expect(reason(bytes)).toBe('bad_crc');
  });

  it('a packet above the cap is oversized as soon as its length is read', () => {
    expect(reason(hex(C8_1).subarray(0, 8), 40)).toBe('oversized');
  });

  it('bytes without the preamble are garbage', () => {
    expect(reason(Buffer.from('GET / HTTP/1.1\r\n'))).toBe('garbage');
    expect(readTeltonikaImei(Buffer.from('GET / HTTP/1.1\r\n'))).toMatchObject({ kind: 'reject', reject: { reason: 'garbage' } });
    expect(readTeltonikaImei(hex('000F3335363330373034323434313031XX'.replace('XX', '3A')))).toMatchObject({ kind: 'reject', reject: { reason: 'garbage' } });
  });

  it('a codec other than 08, 8E and 0C is unknown_codec', () => {
    const body = hex('10010000');
    expect(reason(teltonikaPacketAround(body))).toBe('unknown_codec');
  });

  it('records that need more bytes than the data length gives are truncated; inconsistent counts are malformed', () => {
    const body = hex(C8_2).subarray(8, 8 + 0x28);
    const short = Buffer.from(body.subarray(0, 20));
    expect(reason(teltonikaPacketAround(short))).toBe('truncated');
    const counts = Buffer.from(body);
    counts[counts.length - 1] = 2;
    expect(reason(teltonikaPacketAround(counts))).toBe('malformed');
  });

  it('random garbage never throws', () => {
    const { random } = seededRandom('teltonika-garbage');
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(Array.from({ length: random.int(80) }, () => random.int(256)));
      if (random.int(2) === 0) bytes.fill(0, 0, Math.min(4, bytes.length));
      expect(() => readTeltonikaTcp(bytes, CAP)).not.toThrow();
      expect(() => readTeltonikaImei(bytes)).not.toThrow();
      // A valid frame around random data must come out as a frame or a reject, never an exception.
      expect(() => readTeltonikaTcp(teltonikaPacketAround(Buffer.concat([hex('08'), bytes])), 1 << 16)).not.toThrow();
    }
  });
});
