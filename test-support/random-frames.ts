import { crc16Ibm } from '../gateway/crc16.ts';
import type { Random } from '../generator/prng.ts';
import type { AvlCodec, AvlRecord, IoValue, IoValue8, IoValueX } from '../gateway/teltonika/avl-data.ts';
import type { Gt06Location } from '../gateway/gt06/gt06-message.ts';

/**
 * Random protocol records for round-trip tests: every field over its whole
 * wire range (negative coordinates, every IO group and, under Codec 8
 * Extended, the NX group), so an encoder/decoder pair is checked beyond what
 * real devices happen to send.
 */
const between = (random: Random, lo: number, hi: number) => lo + random.int(hi - lo + 1);

function ioGroup(random: Random, ext: boolean, bytes: 1 | 2 | 4): IoValue[] {
  const max = bytes === 4 ? 0xffffffff : (1 << (8 * bytes)) - 1;
  return Array.from({ length: random.int(5) }, () => ({ id: random.int(ext ? 0x10000 : 0x100), value: bytes === 4 ? random.uint32() : random.int(max + 1) }));
}

export function randomAvlRecord(random: Random, codec: AvlCodec): AvlRecord {
  const ext = codec === 0x8e;
  const eight: IoValue8[] = Array.from({ length: random.int(4) }, () => ({ id: random.int(ext ? 0x10000 : 0x100), value: (BigInt(random.uint32()) << 32n) | BigInt(random.uint32()) }));
  const nx: IoValueX[] = ext
    ? Array.from({ length: random.int(3) }, () => ({ id: random.int(0x10000), value: Buffer.from(Array.from({ length: random.int(20) }, () => random.int(256))) }))
    : [];
  return {
    // 2000-01-01 .. 2100-01-01, millisecond precision.
    timestampMs: 946_684_800_000 + Math.floor(random.float() * 3_155_760_000_000),
    priority: random.int(3),
    lonE7: between(random, -1_800_000_000, 1_800_000_000),
    latE7: between(random, -900_000_000, 900_000_000),
    altitudeM: random.int(0x10000),
    angleDeg: random.int(361),
    satellites: random.int(33),
    speedKmh: random.int(0x10000),
    io: { eventId: random.int(ext ? 0x10000 : 0x100), one: ioGroup(random, ext, 1), two: ioGroup(random, ext, 2), four: ioGroup(random, ext, 4), eight, nx },
  };
}

export function randomGt06Location(random: Random): Gt06Location {
  const protocol = random.int(2) === 0 ? 0x12 : 0x22;
  // Whole GT06 units (1/1,800,000 degree) so the encoder's rounding gives back the same number; never a signed zero.
  const coordinate = (maxDeg: number) => (random.int(2) === 0 ? -1 : 1) * (1 + random.int(maxDeg * 1_800_000)) / 1_800_000;
  return {
    type: 'location',
    protocol,
    timestampMs: Date.UTC(2000 + random.int(100), random.int(12), 1 + random.int(28), random.int(24), random.int(60), random.int(60)),
    gpsInfoLength: 12,
    satellites: random.int(16),
    lat: coordinate(90 - 1),
    lon: coordinate(180 - 1),
    speedKmh: random.int(256),
    courseDeg: random.int(360),
    positioned: random.int(4) !== 0,
    statusHigh: random.int(8),
    mcc: random.int(1000),
    mnc: random.int(256),
    lac: random.int(0x10000),
    cellId: random.int(0x1000000),
    tail: protocol === 0x22 ? Buffer.from([random.int(2), random.int(8), random.int(2)]) : Buffer.alloc(0),
  };
}

/** A Teltonika TCP packet around any data bytes, with a correct CRC: for feeding the framer content its decoders must refuse. */
export function teltonikaPacketAround(data: Buffer): Buffer {
  const packet = Buffer.alloc(12 + data.length);
  packet.writeUInt32BE(data.length, 4);
  data.copy(packet, 8);
  packet.writeUInt32BE(crc16Ibm(data), 8 + data.length);
  return packet;
}
