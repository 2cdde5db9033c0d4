import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';

describe('toCsv', () => {
  it('writes RFC 4180: a header, CRLF lines, and quotes only where a field needs them', () => {
    const csv = toCsv(['vehicle_id', 'note', 'n'], [['v-1', 'plain', 3], ['v-"2"', 'a,b', 4.5], ['v-3', 'two\nlines', 0]]);
    expect(csv.split('\r\n')).toEqual(['vehicle_id,note,n', 'v-1,plain,3', '"v-""2""","a,b",4.5', 'v-3,"two\nlines",0', '']);
  });
});
