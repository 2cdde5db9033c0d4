import { Worker } from 'node:worker_threads';
import { FleetlakeError, type ErrorCode } from '../../core/errors.ts';
import type { GeneratorProgress, RunGeneratorOptions, RunSummary } from '../run.ts';
import { STOP, type WorkerJob, type WorkerReport } from './protocol.ts';

const ENTRY = new URL('./entry.js', import.meta.url);

/**
 * Each worker's young generation, capped: a worker's positions die young, and
 * with Node's default the peak RSS was set by how far the young generations
 * grew (bench:generator, 100,000 vehicles, null sink, 2026-12-06: 675 MB and
 * 2.2 M positions/s by default; 240-243 MB and 2.8-3.5 M/s at 32; 245 MB at 48,
 * 307 MB at 64, 442 MB at 96; and at 12 or 24, 404-445 MB and 1.2-1.3 M/s,
 * since survivors then reach the old generation).
 */
const WORKER_YOUNG_GENERATION_MB = 32;

export interface RunInWorkersOptions extends Pick<RunGeneratorOptions, 'fleet' | 'schedule' | 'signal' | 'onProgress'>, Omit<WorkerJob, 'fleet' | 'schedule'> {
  /** Worker threads; each simulates every `workers`-th vehicle of this generator's part of the fleet into a sink of its own. */
  readonly workers: number;
}

/**
 * Runs the generator on several cores: worker w of n takes the vehicles
 * `instance + k × instances` with k ≡ w (mod n), the same split `--instances`
 * makes between processes, so each vehicle behaves exactly as with one
 * thread, and its positions stay in order since one worker sends them all.
 * Progress and the summary add the workers' up; the event time reached is the
 * slowest worker's while running. Faults (duplicates, late bursts, malformed
 * messages) are drawn per worker as they are per instance: the same shares,
 * other messages than one thread picks.
 */
export async function runGeneratorInWorkers(options: RunInWorkersOptions): Promise<RunSummary> {
  const { workers: count, fleet, schedule } = options;
  const instance = fleet.instance ?? 0;
  const instances = fleet.instances ?? 1;
  const fromMs = schedule.kind === 'backfill' ? schedule.fromMs : Date.now();
  const toMs = schedule.kind === 'backfill' ? schedule.toMs : schedule.durationMs === undefined ? Infinity : fromMs + schedule.durationMs;
  const progress: Pick<GeneratorProgress, 'messages' | 'reachedMs'>[] = Array.from({ length: count }, () => ({ messages: 0, reachedMs: fromMs }));
  const report = () =>
    options.onProgress?.({ messages: progress.reduce((n, p) => n + p.messages, 0), fromMs, toMs, reachedMs: Math.min(...progress.map((p) => p.reachedMs)) });

  const threads = Array.from({ length: count }, (_, w) => {
    const job: WorkerJob = {
      fleet: { ...fleet, instance: instance + w * instances, instances: instances * count },
      schedule,
      sink: options.sink,
      kafka: options.kafka,
      compression: options.compression,
      batchSize: options.batchSize,
    };
    return new Worker(ENTRY, { workerData: job, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
  });
  const stop = () => threads.forEach((t) => t.postMessage(STOP));
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    const summaries = await Promise.all(
      threads.map(
        (thread, w) =>
          new Promise<RunSummary>((resolve, reject) => {
            thread.on('message', (message: WorkerReport) => {
              if (message.kind === 'progress') {
                progress[w] = message;
                report();
              } else if (message.kind === 'done') resolve(message.summary);
              else {
                // The others stop too: a run that lost a part of its fleet is not the run asked for.
                stop();
                reject(message.code ? new FleetlakeError(message.code as ErrorCode, { ...message.vars }) : new Error(message.message));
              }
            });
            thread.on('error', reject);
            thread.on('exit', (code) => code !== 0 && reject(new FleetlakeError('GENERATOR_WORKER_FAILED', { worker: w, code: code })));
          }),
      ),
    );
    return combine(summaries);
  } finally {
    options.signal?.removeEventListener('abort', stop);
    await Promise.all(threads.map((t) => t.terminate()));
  }
}

function combine(summaries: readonly RunSummary[]): RunSummary {
  const sum = (key: 'positions' | 'messages' | 'duplicates' | 'late' | 'malformed' | 'trips' | 'crossDistrictTrips') => summaries.reduce((n, s) => n + s[key], 0);
  return {
    positions: sum('positions'),
    messages: sum('messages'),
    duplicates: sum('duplicates'),
    late: sum('late'),
    malformed: sum('malformed'),
    trips: sum('trips'),
    crossDistrictTrips: sum('crossDistrictTrips'),
    fromMs: Math.min(...summaries.map((s) => s.fromMs)),
    // A stopped run has reached what its slowest worker reached; a finished one, its last report.
    reachedMs: (summaries.some((s) => s.stopped) ? Math.min : Math.max)(...summaries.map((s) => s.reachedMs)),
    stopped: summaries.some((s) => s.stopped),
  };
}
