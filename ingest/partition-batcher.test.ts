import { describe, expect, it } from 'vitest';
import { createPartitionBatcher, type BatchLimits, type CutBatch } from './partition-batcher.ts';
import type { SourceMessage, StreamRef } from './types.ts';

const stream: StreamRef = { topic: 't', partition: 3, id: 't:3' };
const message = (offset: number, size = 10): SourceMessage => ({ stream, offset, key: null, value: 'x'.repeat(size), size });
const limits: BatchLimits = { rows: 4, bytes: 1000, maxWaitMs: 1000 };
const range = (b: CutBatch | undefined) => b && { first: b.first, last: b.last, rows: b.messages.length, bytes: b.bytes, adoptedRefMs: b.adoptedRefMs };

describe('partition batcher', () => {
  it('cuts exactly `rows` messages and keeps the rest, with their offsets', () => {
    const b = createPartitionBatcher(stream, limits);
    for (const o of [10, 11, 12, 13, 14, 15]) expect(b.submit(message(o), 0)).toBe(true);
    expect(range(b.poll(0))).toEqual({ first: 10, last: 13, rows: 4, bytes: 40, adoptedRefMs: undefined });
    expect(b.poll(0)).toBeUndefined();
    expect(b.buffered).toBe(2);
  });

  it('cuts by bytes before the message that would exceed the limit, and a single oversized message alone', () => {
    const b = createPartitionBatcher(stream, { rows: 100, bytes: 100, maxWaitMs: 1000 });
    b.submit(message(0, 60), 0);
    b.submit(message(1, 60), 0);
    expect(range(b.poll(0))).toEqual({ first: 0, last: 0, rows: 1, bytes: 60, adoptedRefMs: undefined });
    b.submit(message(2, 500), 0);
    expect(range(b.poll(0))).toEqual({ first: 1, last: 1, rows: 1, bytes: 60, adoptedRefMs: undefined });
    expect(range(b.poll(0))).toEqual({ first: 2, last: 2, rows: 1, bytes: 500, adoptedRefMs: undefined });
  });

  it('cuts by the age of the oldest buffered message on the injected clock', () => {
    const b = createPartitionBatcher(stream, limits);
    b.submit(message(5), 1_000);
    b.submit(message(6), 1_600);
    expect(b.deadline()).toBe(2_000);
    expect(b.poll(1_999)).toBeUndefined();
    expect(range(b.poll(2_000))).toMatchObject({ first: 5, last: 6 });
    expect(b.deadline()).toBeUndefined();
  });

  it('flushes whatever is buffered when asked', () => {
    const b = createPartitionBatcher(stream, limits);
    b.submit(message(7), 0);
    expect(range(b.poll(1, true))).toMatchObject({ first: 7, last: 7, rows: 1 });
  });

  it('refuses messages once it holds two batches worth, and takes them again after a cut', () => {
    const b = createPartitionBatcher(stream, limits);
    for (let o = 0; o < 8; o++) expect(b.submit(message(o), 0)).toBe(true);
    expect(b.hasRoom()).toBe(false);
    expect(b.submit(message(8), 0)).toBe(false);
    b.poll(0);
    expect(b.submit(message(8), 0)).toBe(true);
  });

  it('re-cuts exactly at an adopted range, waiting for its last offset even past the limits', () => {
    const b = createPartitionBatcher(stream, limits);
    const first = [20, 21, 22].map((o) => message(o));
    b.restore(first, 0, { last: 26, refMs: 1234 });
    expect(b.poll(10_000, true)).toBeUndefined();
    for (const o of [23, 24, 25, 26, 27]) expect(b.submit(message(o), 0)).toBe(true);
    expect(range(b.poll(0))).toEqual({ first: 20, last: 26, rows: 7, bytes: 70, adoptedRefMs: 1234 });
    expect(range(b.poll(0, true))).toEqual({ first: 27, last: 27, rows: 1, bytes: 10, adoptedRefMs: undefined });
  });

  it('re-cuts a shorter adopted range and keeps the remainder in order', () => {
    const b = createPartitionBatcher(stream, limits);
    b.restore([30, 31, 32, 33].map((o) => message(o)), 0, { last: 31, refMs: 99 });
    expect(range(b.poll(0))).toEqual({ first: 30, last: 31, rows: 2, bytes: 20, adoptedRefMs: 99 });
    expect(range(b.poll(0, true))).toMatchObject({ first: 32, last: 33 });
  });
});
