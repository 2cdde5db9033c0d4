import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.ts';
import { runGenerator } from '../run.ts';
import { createNullSink } from '../sinks/null-sink.ts';
import { runGeneratorInWorkers } from './run-in-workers.ts';

// Faults are drawn per worker, as per instance (generator/faults.ts), so only a fault-free fleet is the same message for message.
const fleet = { vehicles: 97, seed: 9 };
const schedule = { kind: 'backfill' as const, fromMs: Date.parse('2026-11-02T08:00:00Z'), toMs: Date.parse('2026-11-02T08:30:00Z') };
const { kafka } = loadConfig({ env: {} });

describe('runGeneratorInWorkers', () => {
  it('simulates the same fleet as one thread: every count of the summary equal', async () => {
    const one = await runGenerator({ fleet, schedule, sink: createNullSink() });
    const three = await runGeneratorInWorkers({ fleet, schedule, workers: 3, sink: { kind: 'null' }, kafka, compression: 'none', batchSize: 1000 });
    expect(three).toEqual(one);
  });

  it('splits an instance of a split fleet again, covering exactly that instance', async () => {
    const part = { ...fleet, instance: 1, instances: 2 };
    const one = await runGenerator({ fleet: part, schedule, sink: createNullSink() });
    const two = await runGeneratorInWorkers({ fleet: part, schedule, workers: 2, sink: { kind: 'null' }, kafka, compression: 'none', batchSize: 1000 });
    expect(two).toEqual(one);
  });

  it("adds the workers' progress up and reports the slowest worker's event time", async () => {
    const seen: { messages: number; reachedMs: number }[] = [];
    const summary = await runGeneratorInWorkers({ fleet, schedule, workers: 2, sink: { kind: 'null' }, kafka, compression: 'none', batchSize: 500, onProgress: (p) => seen.push(p) });
    expect(seen.at(-1)?.messages).toBe(summary.messages);
    expect(seen.map((p) => p.messages)).toEqual([...seen.map((p) => p.messages)].sort((a, b) => a - b));
    expect(Math.max(...seen.map((p) => p.reachedMs))).toBeLessThanOrEqual(schedule.toMs);
  });

  it("fails with the worker's error, coded as it was", async () => {
    const run = runGeneratorInWorkers({ fleet, schedule, workers: 2, sink: { kind: 'kafka' }, kafka: { ...kafka, brokers: [] }, compression: 'none', batchSize: 500 });
    await expect(run).rejects.toMatchObject({ code: 'BROKER_UNAVAILABLE', message: expect.stringContaining('KAFKA_BROKERS') });
  });
});
