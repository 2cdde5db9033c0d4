import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClickHouseHttp, type ClickHouseHttpEndpoint } from '../allinone/clickhouse-http.ts';
import { freePort } from '../broker/local-kafka.ts';
import { openClickHouse, type ClickHouse } from '../core/clickhouse.ts';
import { loadConfig } from '../core/config.ts';
import { openTestLake, type TestLake } from '../test-support/lake.ts';
import { captureStream } from '../test-support/run-fleetlake.ts';
import { runIngest } from './run-ingest.ts';
import { createInProcessSource } from './sources/in-process.ts';
import { waitFor } from './testing/kafka-topics.ts';

function capturedLogger() {
  const stream = captureStream();
  const logger = pino({ level: 'info' }, stream);
  const entries = () => stream.text().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { level: number; msg: string; retryInMs?: number; lake?: string });
  return { logger, entries };
}

describe('ClickHouse not answering when ingest starts', () => {
  let lake: TestLake;
  let remote: ClickHouse | undefined;
  let endpoint: ClickHouseHttpEndpoint | undefined;
  beforeAll(async () => {
    lake = await openTestLake();
  });
  afterAll(async () => {
    await endpoint?.close();
    await remote?.close();
    await lake?.dispose();
  });

  const serverConfig = (port: number) =>
    loadConfig({ env: {}, overrides: { clickhouse: { url: `http://127.0.0.1:${port}` }, ingest: { retry_initial: '50ms', retry_max: '200ms', metrics_port: 0 } } });

  it('waits with capped back-off, saying so each time, and starts once ClickHouse answers', async () => {
    const port = await freePort();
    const config = serverConfig(port);
    remote = openClickHouse(config);
    const { logger, entries } = capturedLogger();
    const source = createInProcessSource();
    const run = runIngest({ source, client: remote.client, config, logger });
    const waiting = () => entries().filter((e) => e.msg === 'ClickHouse does not answer; waiting for it before consuming anything');

    await waitFor('five failed attempts', () => waiting().length >= 5, 30_000);
    expect(entries().some((e) => e.msg === 'ingest started')).toBe(false);
    expect(waiting().slice(0, 5).map((e) => e.retryInMs)).toEqual([50, 100, 200, 200, 200]);
    expect(waiting()[0]).toMatchObject({ level: 40, lake: `http://127.0.0.1:${port}` });

    // The real engine behind ClickHouse's HTTP interface, on the port ingest keeps trying.
    endpoint = await startClickHouseHttp(lake.ch.reader, { port });
    await waitFor('ingest to start', () => entries().some((e) => e.msg === 'ingest started'), 30_000);
    expect(entries().some((e) => e.msg === 'ClickHouse answers again; starting')).toBe(true);
    source.end();
    expect((await run).rows).toBe(0);
  }, 90_000);

  it('stops cleanly, having consumed nothing, when asked to while still waiting', async () => {
    const config = serverConfig(await freePort());
    const unreachable = openClickHouse(config);
    const { logger, entries } = capturedLogger();
    const stop = new AbortController();
    const run = runIngest({ source: createInProcessSource(), client: unreachable.client, config, logger, signal: stop.signal });
    await waitFor('a failed attempt', () => entries().some((e) => e.level === 40), 30_000);
    stop.abort();
    await expect(run).resolves.toMatchObject({ rows: 0, batches: 0, leftBuffered: 0 });
    expect(entries().at(-1)?.msg).toBe('stopped while waiting for ClickHouse: nothing was consumed');
    await unreachable.close();
  }, 60_000);
});
