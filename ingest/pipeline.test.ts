import { describe, expect, it } from 'vitest';
import { createSilentLogger } from '../core/logger.ts';
import { createMetrics } from '../core/metrics.ts';
import { encodePosition, parsePosition } from '../core/position.ts';
import { createBatchRunner } from './batch-runner.ts';
import type { IngestWriter } from './clickhouse-writer.ts';
import { createIngestStats } from './ingest-stats.ts';
import type { BatchJournal, Claim } from './journal.ts';
import { createPipeline } from './pipeline.ts';
import { createManualClock } from './testing/manual-clock.ts';
import type { SourceMessage, StreamRef } from './types.ts';

const stream: StreamRef = { topic: 'fleet.positions', partition: 0, id: 'fleet.positions:0' };
const T0 = Date.parse('2026-01-01T00:00:00Z');
const good = (offset: number): SourceMessage => {
  const value = encodePosition({ vehicle_id: `v-${offset}`, ts_ms: T0 + offset, lat: 45.5, lon: -73.6, speed_kmh: 10, heading_deg: 90, vehicle_type: 'car' });
  return { stream, offset, key: `v-${offset}`, value, size: value.length };
};
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The core with fakes around it: a writer that fails on demand, a scripted journal, recorded commits. */
function harness(options: { rows: number; failInserts?: number; claim?: (first: number, last: number) => Claim; maxInFlight?: number }) {
  const clock = createManualClock(T0);
  const log: string[] = [];
  let failures = options.failInserts ?? 0;
  let gate: Promise<void> = Promise.resolve();
  const writer: IngestWriter = {
    async insertPositions(token, body) {
      await gate;
      if (failures-- > 0) throw new Error('Table fleet.positions does not exist');
      log.push(`insert ${token} rows=${body.toString().split('\n').length - 1}`);
    },
    async insertRejects(token, _source, rejects) {
      log.push(`rejects ${token} ${rejects.map((r) => `${r.offset}:${r.reason}`).join(',')}`);
    },
  };
  const journal: BatchJournal = { claim: async (_s, first, last, refMs) => options.claim?.(first, last) ?? { won: true, refMs } };
  const stats = createIngestStats(createMetrics(), T0);
  const runBatch = createBatchRunner({
    source: { kind: 'kafka', decode: parsePosition, commit: async (_s, next) => void log.push(`commit ${next}`) },
    writer, journal, maxPastMs: 86_400_000, maxFutureMs: 60_000,
    backoff: { initialMs: 100, maxMs: 400 }, clock, logger: createSilentLogger(), stats,
  });
  const pipeline = createPipeline({ limits: { rows: options.rows, bytes: 1 << 20, maxWaitMs: 1000 }, maxInFlight: options.maxInFlight ?? 2, runBatch, clock, logger: createSilentLogger(), deadline: new AbortController().signal, onFatal: () => undefined });
  return { clock, log, stats, pipeline, hold: (p: Promise<void>) => (gate = p) };
}

describe('ingest pipeline (fakes around the real core)', () => {
  it('commits each batch after its insert, in offset order, and cuts a partial batch at max wait', async () => {
    const h = harness({ rows: 3 });
    for (let o = 0; o < 7; o++) expect(h.pipeline.submit(good(o))).toBe(true);
    await tick();
    expect(h.log).toEqual(['insert fleet.positions:0:0-2 rows=3', 'commit 3', 'insert fleet.positions:0:3-5 rows=3', 'commit 6']);
    await h.clock.advance(999);
    expect(h.log).toHaveLength(4);
    await h.clock.advance(1);
    expect(h.log.slice(4)).toEqual(['insert fleet.positions:0:6-6 rows=1', 'commit 7']);
  });

  it('retries a failing insert with the same token, backing off, and commits nothing until it succeeds', async () => {
    const h = harness({ rows: 2, failInserts: 3 });
    h.pipeline.submit(good(0));
    h.pipeline.submit(good(1));
    await tick();
    expect(h.log).toEqual([]);
    await h.clock.advance(100); // 1st retry after 100 ms, 2nd after 200, 3rd after 400
    await h.clock.advance(200);
    expect(h.log).toEqual([]);
    await h.clock.advance(400);
    expect(h.log).toEqual(['insert fleet.positions:0:0-1 rows=2', 'commit 2']);
    expect(h.stats.totals()).toMatchObject({ rows: 2, batches: 1, insertFailures: 3 });
  });

  it('re-cuts a batch to the range the journal already holds for its first offset', async () => {
    const h = harness({ rows: 4, claim: (first, last) => (first === 10 && last !== 11 ? { won: false, last: 11, refMs: T0 } : { won: true, refMs: T0 }) });
    for (let o = 10; o < 14; o++) h.pipeline.submit(good(o));
    await tick();
    await tick();
    expect(h.log.slice(0, 2)).toEqual(['insert fleet.positions:0:10-11 rows=2', 'commit 12']);
    await h.clock.advance(1000);
    expect(h.log.slice(2)).toEqual(['insert fleet.positions:0:12-13 rows=2', 'commit 14']);
  });

  it('stores refused messages with their offsets and reasons and still inserts the rest of the batch', async () => {
    const h = harness({ rows: 3 });
    h.pipeline.submit(good(0));
    h.pipeline.submit({ stream, offset: 1, key: null, value: 'nope', size: 4 });
    h.pipeline.submit({ stream, offset: 2, key: null, value: '{"vehicle_id":"v"}', size: 18 });
    await tick();
    expect(h.log).toEqual(['insert fleet.positions:0:0-2 rows=1', 'rejects fleet.positions:0:0-2 1:not_json,2:missing_field', 'commit 3']);
  });

  it('refuses messages when the lane is full and signals when it has room again', async () => {
    const h = harness({ rows: 2, maxInFlight: 1 });
    let release = () => undefined as void;
    h.hold(new Promise<void>((resolve) => (release = resolve)));
    let accepted = 0;
    while (h.pipeline.submit(good(accepted))) accepted += 1;
    expect(accepted).toBe(6); // one batch of 2 in flight, two batches of 2 buffered
    let writable = false;
    void h.pipeline.writable(stream).then(() => (writable = true));
    await tick();
    expect(writable).toBe(false);
    release();
    await tick();
    expect(writable).toBe(true);
    const closed = await h.pipeline.close();
    expect(closed.leftBuffered).toBe(0);
    expect(h.log.filter((l) => l.startsWith('commit'))).toEqual(['commit 2', 'commit 4', 'commit 6']);
  });
});
