/**
 * The two CRC-16 variants the tracker protocols use, table-driven: both are
 * reflected, so one table generator serves both polynomials.
 */

function reflectedTable(poly: number): Uint16Array {
  const table = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    table[n] = c;
  }
  return table;
}

const IBM = reflectedTable(0xa001);
const X25 = reflectedTable(0x8408);

function run(table: Uint16Array, crc: number, bytes: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ table[(crc ^ bytes[i]!) & 0xff]!;
  return crc;
}

/** CRC-16/ARC ("IBM"): Teltonika's check over an AVL packet's data. "123456789" → 0xBB3D. */
export function crc16Ibm(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return run(IBM, 0, bytes, start, end);
}

/** CRC-16/X-25 ("CRC-ITU"): GT06's check over length .. serial. "123456789" → 0x906E. */
export function crc16X25(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return (run(X25, 0xffff, bytes, start, end) ^ 0xffff) & 0xffff;
}
