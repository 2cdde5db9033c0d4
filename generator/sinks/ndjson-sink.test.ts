import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createNdjsonSink, openNdjsonFileSink } from './ndjson-sink.ts';
import { createNullSink } from './null-sink.ts';

const dir = mkdtempSync(join(tmpdir(), 'fleetlake-ndjson-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const batch = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ key: `v-${i + from}`, value: `{"n":${i + from}}` }));

describe('the NDJSON sinks', () => {
  it('write one value per line to a file, created or truncated', async () => {
    const path = join(dir, 'out.ndjson');
    for (let round = 0; round < 2; round++) {
      const sink = await openNdjsonFileSink(path);
      await sink.send(batch(3));
      await sink.send(batch(2, 3));
      await sink.close();
    }
    expect(readFileSync(path, 'utf8')).toBe('{"n":0}\n{"n":1}\n{"n":2}\n{"n":3}\n{"n":4}\n');
  });

  it('fail clearly when the file cannot be written', async () => {
    await expect(openNdjsonFileSink(join(dir, 'missing', 'out.ndjson'))).rejects.toThrow(/cannot write positions to .*missing.*ENOENT/);
  });

  it('wait for a slow stream to drain and leave stdout-like streams open on close', async () => {
    const chunks: string[] = [];
    const slow = new Writable({
      highWaterMark: 16,
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk.toString());
        setTimeout(done, 5);
      },
    });
    const sink = createNdjsonSink(slow, { endOnClose: false });
    for (let i = 0; i < 5; i++) await sink.send(batch(10, i * 10));
    await sink.close();
    expect(slow.writableEnded).toBe(false);
    expect(chunks.join('').split('\n').filter(Boolean)).toHaveLength(50);
  });

  it('stop quietly when the reader goes away (EPIPE) and report it', async () => {
    const stream = new PassThrough();
    let gone = 0;
    const sink = createNdjsonSink(stream, { endOnClose: false, onReaderGone: () => gone++ });
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    await sink.send(batch(1));
    await sink.close();
    expect(gone).toBe(1);
  });

  it('surface other stream errors', async () => {
    const stream = new PassThrough();
    const sink = createNdjsonSink(stream, { endOnClose: false });
    stream.emit('error', new Error('EIO'));
    await expect(sink.send(batch(1))).rejects.toThrow('EIO');
  });
});

describe('the null sink', () => {
  it('counts messages and characters', async () => {
    const sink = createNullSink();
    await sink.send(batch(3));
    await sink.close();
    expect({ messages: sink.messages, chars: sink.chars }).toEqual({ messages: 3, chars: 21 });
  });
});
