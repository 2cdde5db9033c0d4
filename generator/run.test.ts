import { describe, expect, it } from 'vitest';
import { createMetrics } from '../core/metrics.ts';
import { backfillMessages } from './backfill.ts';
import { createVirtualClock } from './virtual-clock.ts';
import { runGenerator } from './run.ts';
import type { OutgoingMessage, PositionSink } from './sink.ts';

const START = Date.parse('2026-11-02T08:00:00Z');
const fleet = { vehicles: 40, seed: 3 };
const tsOf = (m: OutgoingMessage) => Date.parse((JSON.parse(m.value) as { ts: string }).ts);

function recordingSink(onSend?: (batch: OutgoingMessage[]) => void): PositionSink & { batches: OutgoingMessage[][]; closed: boolean } {
  const sink = {
    batches: [] as OutgoingMessage[][],
    closed: false,
    async send(batch: OutgoingMessage[]) {
      sink.batches.push(batch);
      onSend?.(batch);
    },
    async close() {
      sink.closed = true;
    },
  };
  return sink;
}

describe('runGenerator', () => {
  it('backfills into a sink in batches of at most batchSize, the same messages as backfillMessages, and counts them', async () => {
    const sink = recordingSink();
    const metrics = createMetrics();
    const schedule = { kind: 'backfill', fromMs: START, toMs: START + 10 * 60_000 } as const;
    const summary = await runGenerator({ fleet, schedule, sink, batchSize: 1000, metrics });
    const expected = [...backfillMessages({ ...fleet, fromMs: schedule.fromMs, toMs: schedule.toMs })];
    expect(sink.batches.flat()).toEqual(expected);
    expect(Math.max(...sink.batches.map((b) => b.length))).toBe(1000);
    expect(summary).toMatchObject({ messages: expected.length, positions: expected.length, stopped: false, fromMs: START });
    expect((await metrics.registry.getSingleMetric('fleetlake_generator_positions_total')!.get()).values[0]!.value).toBe(expected.length);
    expect(sink.closed).toBe(false);
  });

  it('paces a live run by the clock: nothing before its time, nothing held longer than the linger', async () => {
    const clock = createVirtualClock(START);
    const sentAt: { now: number; batch: OutgoingMessage[] }[] = [];
    const sink = recordingSink((batch) => sentAt.push({ now: clock.now(), batch }));
    const summary = await runGenerator({ fleet, schedule: { kind: 'live', durationMs: 5 * 60_000 }, sink, clock, lingerMs: 200 });
    for (const { now, batch } of sentAt) {
      for (const m of batch) {
        expect(tsOf(m)).toBeLessThanOrEqual(now);
        expect(now - tsOf(m)).toBeLessThanOrEqual(200);
      }
    }
    // Live and backfill are the same simulation; only the pacing differs.
    expect(sink.batches.flat()).toEqual([...backfillMessages({ ...fleet, fromMs: START, toMs: START + 5 * 60_000 })]);
    expect(summary.stopped).toBe(false);
    expect(Math.min(...clock.slept)).toBeGreaterThanOrEqual(200);
  });

  it('stops when the signal aborts and says so', async () => {
    const stop = new AbortController();
    const sink = recordingSink(() => stop.abort());
    const summary = await runGenerator({
      fleet,
      schedule: { kind: 'backfill', fromMs: START, toMs: START + 3_600_000 },
      sink,
      signal: stop.signal,
      batchSize: 100,
    });
    expect(sink.batches).toHaveLength(1);
    expect(summary).toMatchObject({ stopped: true, messages: 100 });
  });

  it('fails with the sink failure', async () => {
    const sink: PositionSink = {
      send: async () => {
        throw new Error('disk full');
      },
      close: async () => {},
    };
    await expect(runGenerator({ fleet, schedule: { kind: 'backfill', fromMs: START, toMs: START + 600_000 }, sink, batchSize: 50 })).rejects.toThrow('disk full');
  });

  it('refuses bad options with an error naming the option', async () => {
    const sink = recordingSink();
    const schedule = { kind: 'backfill', fromMs: START, toMs: START + 60_000 } as const;
    await expect(runGenerator({ fleet: { vehicles: 0, seed: 1 }, schedule, sink })).rejects.toThrow(/vehicles must be a whole number from 1/);
    await expect(runGenerator({ fleet: { ...fleet, intervalMs: 10 }, schedule, sink })).rejects.toThrow(/intervalMs must be a whole number from 1000/);
    await expect(runGenerator({ fleet: { ...fleet, instance: 3, instances: 3 }, schedule, sink })).rejects.toThrow(/instance must be a whole number from 0 to 2/);
    await expect(runGenerator({ fleet: { ...fleet, crossDistrictShare: 1.5 }, schedule, sink })).rejects.toThrow(/crossDistrictShare must be a number from 0 to 1/);
    await expect(runGenerator({ fleet: { ...fleet, faults: { lateShare: 1 } }, schedule, sink })).rejects.toThrow(/lateShare must be a number from 0 to below 1/);
    await expect(runGenerator({ fleet: { ...fleet, gpsNoiseM: 500 }, schedule, sink })).rejects.toThrow('generator: gpsNoiseM must be a number of metres from 0 to 100, not 500');
    await expect(runGenerator({ fleet: { ...fleet, vehicles: 2.5 }, schedule, sink })).rejects.toThrow('generator: vehicles must be a whole number from 1 to 10000000, not 2.5');
    await expect(runGenerator({ fleet: { ...fleet, mix: { bike: 0 } }, schedule, sink })).rejects.toThrow(/mix: weights/);
    await expect(runGenerator({ fleet, schedule: { ...schedule, toMs: START }, sink })).rejects.toThrow(/toMs .* must be after fromMs/);
  });
});
