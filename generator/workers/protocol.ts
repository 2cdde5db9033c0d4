import type { KafkaCompression } from '../../core/kafka-codecs.ts';
import type { FleetlakeConfig } from '../../core/config.ts';
import type { FleetOptions } from '../fleet-options.ts';
import type { RunSummary, Schedule } from '../run.ts';

/** The sinks a worker can open itself: each worker's own, with no shared order to keep. */
export type WorkerSinkSpec = { readonly kind: 'null' } | { readonly kind: 'kafka' };

/** What a generator worker is started with (workerData): its part of the fleet and where to send it. */
export interface WorkerJob {
  readonly fleet: FleetOptions;
  readonly schedule: Schedule;
  readonly sink: WorkerSinkSpec;
  readonly kafka: FleetlakeConfig['kafka'];
  readonly compression: KafkaCompression;
  readonly batchSize: number;
}

/** Messages from a worker to the main thread. */
export type WorkerReport =
  | { readonly kind: 'progress'; readonly messages: number; readonly reachedMs: number }
  | { readonly kind: 'done'; readonly summary: RunSummary }
  | { readonly kind: 'failed'; readonly message: string; readonly code?: string; readonly vars?: Readonly<Record<string, string | number>> };

/** The one message the main thread sends: stop after the batch in flight. */
export const STOP = 'stop';
