import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.ts';
import { backfillMessages } from '../generator/index.ts';
import { openTestLake, type TestLake } from '../test-support/lake.ts';
import { runIngest } from './run-ingest.ts';
import { createInProcessSource } from './sources/in-process.ts';
import { expectedChecksums, storedChecksums } from './testing/checksums.ts';

describe('in-process source', () => {
  let lake: TestLake;
  beforeAll(async () => {
    lake = await openTestLake();
  });
  afterAll(async () => {
    await lake?.dispose();
  });

  it('makes a fast producer wait (bounded queue) and stores everything it accepted when stopped', async () => {
    const config = loadConfig({ env: {}, overrides: { clickhouse: { data_dir: lake.dataDir }, ingest: { metrics_port: 0, batch_rows: 700, batch_max_wait: '50ms' } } });
    const source = createInProcessSource({ capacity: 1000, partitions: 3 });
    const now = Date.now();
    const messages = [...backfillMessages({ vehicles: 100, seed: 9, fromMs: now - 600_000, toMs: now - 300_000, intervalMs: 5000 })];

    // Before ingest runs nothing drains the queue, so a push past the capacity waits for as long as it is looked at.
    await source.push(messages.slice(0, 1000));
    let settled = false;
    const blocked = source.push(messages.slice(1000, 1500)).then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);

    const stop = new AbortController();
    const done = runIngest({ source, client: lake.ch.client, config, signal: stop.signal });
    await blocked;
    for (let i = 1500; i < messages.length; i += 500) await source.push(messages.slice(i, i + 500));
    stop.abort(); // not end(): a stop must still hand over what is queued
    const summary = await done;

    expect(summary.rows).toBe(messages.length);
    expect(await storedChecksums(lake.ch.client)).toEqual(expectedChecksums(messages.map((m) => m.value)));
  });

  it('refuses positions pushed after end(), with a code and what to do', async () => {
    const source = createInProcessSource({ capacity: 10, partitions: 1 });
    source.end();
    await expect(source.push([{ key: 'v-1', value: '{}' }])).rejects.toThrow(
      expect.objectContaining({ code: 'INGEST_SOURCE_ENDED', message: expect.stringContaining('push everything before end()') }),
    );
  });
});
