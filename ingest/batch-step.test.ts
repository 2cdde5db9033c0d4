import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createBatchStep } from './batch-step.ts';
import { createManualClock } from './testing/manual-clock.ts';

function recorded() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>), done()) }));
  return { logger, lines };
}

describe('createBatchStep', () => {
  it('retries with back-off, counts ClickHouse failures, and logs each failure and the recovery once', async () => {
    const clock = createManualClock(0);
    const { logger, lines } = recorded();
    let insertFailures = 0;
    const step = createBatchStep({ range: 't:0:0-9', signal: new AbortController().signal, backoff: { initialMs: 100, maxMs: 150 }, clock, logger, onInsertFailure: () => (insertFailures += 1) });
    let calls = 0;
    const attempt = step('insert positions', async () => {
      calls += 1;
      if (calls < 3) throw new Error('Connection refused');
      return 'stored';
    }, true);
    await clock.advance(0);
    await clock.advance(100);
    await clock.advance(150);
    expect(await attempt).toEqual({ done: true, value: 'stored' });
    expect(insertFailures).toBe(2);
    expect(lines.map((l) => [l.msg, l.failures, l.retryInMs])).toEqual([
      ['insert positions failed; holding this batch (nothing is committed) and retrying', 1, 100],
      ['insert positions failed; holding this batch (nothing is committed) and retrying', 2, 150],
      ['insert positions succeeded after 2 failures; catching up', 2, undefined],
    ]);
    expect(lines.every((l) => l.batch === 't:0:0-9' && l.step === 'insert positions')).toBe(true);
  });

  it('gives up without throwing once the batch is abandoned, and counts no broker failure as an insert failure', async () => {
    const clock = createManualClock(0);
    const abandon = new AbortController();
    let insertFailures = 0;
    const step = createBatchStep({ range: 't:0:0-9', signal: abandon.signal, backoff: { initialMs: 100, maxMs: 100 }, clock, logger: recorded().logger, onInsertFailure: () => (insertFailures += 1) });
    const attempt = step('commit', async () => {
      throw new Error('The group is rebalancing');
    }, false);
    await clock.advance(0);
    abandon.abort();
    expect(await attempt).toEqual({ done: false });
    expect(insertFailures).toBe(0);
  });
});
