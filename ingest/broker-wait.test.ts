import { connect, createServer, type Server, type Socket } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../broker/local-kafka.ts';
import { backfillMessages } from '../generator/index.ts';
import { openTestLake, type TestLake } from '../test-support/lake.ts';
import { captureStream } from '../test-support/run-fleetlake.ts';
import { runIngest } from './run-ingest.ts';
import { createKafkaSource, kafkaSourceOptions } from './sources/kafka.ts';
import { duplicateRows, expectedChecksums, storedChecksums } from './testing/checksums.ts';
import { testIngestConfig } from './testing/ingest-config.ts';
import { createTestTopics, waitFor, type TestTopics } from './testing/kafka-topics.ts';

const WAITING = 'Kafka does not answer; waiting for it before consuming anything';

/** Forwards `port` to the real broker: the bootstrap address ingest was given starts answering. */
async function forward(port: number, broker: string): Promise<Server> {
  const [host, target] = broker.split(':');
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target), host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => (client.destroy(), upstream.destroy()));
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  return server;
}

function capturedLogger() {
  const stream = captureStream();
  const logger = pino({ level: 'warn' }, stream);
  const lines = () => stream.text().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { msg: string; retryInMs?: number });
  return { logger, lines, waiting: () => lines().filter((w) => w.msg === WAITING) };
}

describe('Kafka not answering when ingest starts', () => {
  let lake: TestLake;
  let topics: TestTopics;
  let proxy: Server | undefined;
  beforeAll(async () => {
    lake = await openTestLake();
    topics = await createTestTopics(inject('kafkaBrokers'), 2);
  });
  afterAll(async () => {
    proxy?.close();
    await topics?.close();
    await lake?.dispose();
  });

  it('waits, saying so, then consumes everything once the broker answers', async () => {
    const port = await freePort();
    const config = testIngestConfig(lake.dataDir, [`127.0.0.1:${port}`], topics, { batch_max_wait: '200ms', retry_initial: '50ms', retry_max: '200ms' });
    const { logger, waiting } = capturedLogger();
    const stop = new AbortController();
    const run = runIngest({ source: createKafkaSource(kafkaSourceOptions(config, logger)), client: lake.ch.client, config, logger, signal: stop.signal });

    await waitFor('a failed attempt to reach the broker', () => waiting().length >= 1, 60_000);
    expect(waiting()[0]?.retryInMs).toBe(50);
    const messages = [...backfillMessages({ vehicles: 50, seed: 5, fromMs: Date.now() - 600_000, toMs: Date.now() - 500_000, intervalMs: 5000 })];
    await topics.produce(messages);

    proxy = await forward(port, inject('kafkaBrokers')[0]!);
    const ends = await topics.ends();
    await waitFor('everything committed', () => topics.committedUpTo(ends), 90_000);
    stop.abort();
    expect((await run).rows).toBe(messages.length);
    expect(await storedChecksums(lake.ch.client)).toEqual(expectedChecksums(messages.map((m) => m.value)));
    expect(await duplicateRows(lake.ch.client)).toBe(0);
  }, 150_000);

  it('stops cleanly, having consumed nothing, when asked to while still waiting', async () => {
    const config = testIngestConfig(lake.dataDir, [`127.0.0.1:${await freePort()}`], topics, { retry_initial: '50ms', retry_max: '200ms' });
    const { logger, lines, waiting } = capturedLogger();
    const stop = new AbortController();
    const run = runIngest({ source: createKafkaSource(kafkaSourceOptions(config, logger)), client: lake.ch.client, config, logger, signal: stop.signal });
    await waitFor('three failed attempts to reach the broker', () => waiting().length >= 3, 60_000);
    stop.abort();
    await expect(run).resolves.toMatchObject({ rows: 0, batches: 0, leftBuffered: 0 });
    // One line per attempt, ours: kafkajs' own retries and error lines would bury it.
    expect(lines().filter((l) => l.msg !== WAITING)).toEqual([]);
  }, 90_000);
});
