import { describe, expect, it } from 'vitest';
import { crc16Ibm, crc16X25 } from './crc16.ts';

describe('the CRC-16 variants', () => {
  it('give the catalogue check values for "123456789"', () => {
    const check = Buffer.from('123456789');
    expect(crc16Ibm(check)).toBe(0xbb3d);
    expect(crc16X25(check)).toBe(0x906e);
  });

  it('cover exactly the range asked for', () => {
    const padded = Buffer.from('xx123456789yy');
    expect(crc16Ibm(padded, 2, 11)).toBe(0xbb3d);
    expect(crc16X25(padded, 2, 11)).toBe(0x906e);
  });
});
