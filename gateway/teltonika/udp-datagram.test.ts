import { describe, expect, it } from 'vitest';
import { randomAvlRecord } from '../../test-support/random-frames.ts';
import { seededRandom } from '../../test-support/test-seed.ts';
import { CODEC_8, CODEC_8E, type AvlCodec } from './avl-data.ts';
import { decodeTeltonikaUdp, decodeTeltonikaUdpAck, encodeTeltonikaUdp, encodeTeltonikaUdpAck } from './udp-datagram.ts';

const hex = (h: string) => Buffer.from(h, 'hex');
const CAP = 1280;
const U8_1 = '003DCAFE0105000F33353230393330383634303336353508010000016B4F815B30010000000000000000000000000000000103021503010101425DBC000001';
const U8E_1 =
  '005FCAFE0107000F3335323039333038363430333635358E010000016B4F831C680100000000000000000000000000000000010005000100010100010011009D00010010015E2C880002000B000000003544C87A000E000000001DD7E06A000001';
const noFix = { priority: 1, lonE7: 0, latE7: 0, altitudeM: 0, angleDeg: 0, satellites: 0, speedKmh: 0 };

describe('Teltonika over UDP: the reference vectors', () => {
  it('U8-1: IMEI 352093086403655, 2019-06-13 06:23:26 UTC; answer 0005CAFE010501', () => {
    const out = decodeTeltonikaUdp(hex(U8_1), CAP);
    expect(out).toEqual({
      ok: true,
      value: {
        packetId: 0xcafe,
        avlPacketId: 5,
        imei: '352093086403655',
        data: {
          codec: CODEC_8,
          records: [
            {
              timestampMs: Date.UTC(2019, 5, 13, 6, 23, 26),
              ...noFix,
              io: { eventId: 1, one: [{ id: 21, value: 3 }, { id: 1, value: 1 }], two: [{ id: 66, value: 0x5dbc }], four: [], eight: [], nx: [] },
            },
          ],
        },
      },
    });
    expect(encodeTeltonikaUdpAck(0xcafe, 5, 1).toString('hex').toUpperCase()).toBe('0005CAFE010501');
  });

  it('U8E-1: Codec 8 Extended; answer 0005CAFE010701', () => {
    const out = decodeTeltonikaUdp(hex(U8E_1), CAP);
    if (!out.ok) throw new Error(out.detail);
    expect(out.value).toMatchObject({ packetId: 0xcafe, avlPacketId: 7, imei: '352093086403655', data: { codec: CODEC_8E } });
    expect(out.value.data.records[0]!.io).toEqual({
      eventId: 1,
      one: [{ id: 1, value: 1 }],
      two: [{ id: 17, value: 0x9d }],
      four: [{ id: 16, value: 22949000 }],
      eight: [{ id: 11, value: 893700218n }, { id: 14, value: 500686954n }],
      nx: [],
    });
    expect(encodeTeltonikaUdpAck(0xcafe, 7, 1).toString('hex').toUpperCase()).toBe('0005CAFE010701');
    expect(decodeTeltonikaUdpAck(hex('0005CAFE010701'))).toEqual({ packetId: 0xcafe, avlPacketId: 7, accepted: 1 });
  });

  it('re-encodes both vectors byte for byte', () => {
    for (const vector of [U8_1, U8E_1]) {
      const out = decodeTeltonikaUdp(hex(vector), CAP);
      if (!out.ok) throw new Error(out.detail);
      expect(encodeTeltonikaUdp(out.value).toString('hex').toUpperCase()).toBe(vector);
    }
  });
});

describe('Teltonika over UDP: round trips and bad input', () => {
  const { random } = seededRandom('teltonika-udp');

  for (const codec of [CODEC_8, CODEC_8E] as AvlCodec[]) {
    it(`codec 0x${codec.toString(16)}: random datagrams of 1..255 records decode to what was encoded`, () => {
      for (const count of [1, 255, ...Array.from({ length: 10 }, () => 1 + random.int(255))]) {
        const packet = {
          packetId: random.int(0x10000),
          avlPacketId: random.int(256),
          imei: String(100_000_000_000_000 + random.int(900_000_000)),
          data: { codec, records: Array.from({ length: count }, () => randomAvlRecord(random, codec)) },
        };
        expect(decodeTeltonikaUdp(encodeTeltonikaUdp(packet), 1 << 20)).toEqual({ ok: true, value: packet });
      }
    });
  }

  it('gives a reason for each kind of bad datagram', () => {
    const reason = (bytes: Buffer, cap = CAP) => {
      const out = decodeTeltonikaUdp(bytes, cap);
      return out.ok ? 'ok' : out.reason;
    };
    const good = hex(U8_1);
    expect(reason(good.subarray(0, 30))).toBe('truncated');
    expect(reason(good, 40)).toBe('oversized');
    expect(reason(Buffer.concat([good, hex('00')]))).toBe('malformed');
    const codec = Buffer.from(good);
    codec[23] = 0x10;
    expect(reason(codec)).toBe('unknown_codec');
    expect(reason(Buffer.from('hello'))).toBe('truncated');
    const imei = Buffer.from(good);
    imei[8] = 0x41;
    expect(reason(imei)).toBe('garbage');
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(Array.from({ length: random.int(120) }, () => random.int(256)));
      if (bytes.length >= 2) bytes.writeUInt16BE(bytes.length - 2, 0);
      expect(() => decodeTeltonikaUdp(bytes, CAP)).not.toThrow();
    }
  });
});
