import { describe, expect, it } from 'vitest';
import { kraftClusterId } from './local-kafka.ts';

describe('kraftClusterId', () => {
  it('never starts with "-", which failed one broker start in 64 before', () => {
    const ids = Array.from({ length: 10_000 }, kraftClusterId);
    expect(ids.filter((id) => id.startsWith('-'))).toEqual([]);
    expect(ids.every((id) => /^[A-Za-z0-9_-]{22}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
