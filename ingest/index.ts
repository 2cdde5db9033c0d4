/**
 * Ingest as a library: run it inside another process (the all-in-one
 * `fleetlake start`) or from the CLI (`fleetlake ingest`).
 */
export { runIngest, type RunIngestOptions, type IngestSummary } from './run-ingest.ts';
export { createKafkaSource, kafkaSourceOptions, type KafkaSourceOptions } from './sources/kafka.ts';
export { inspectFile, createFileSource, type FileInfo, type FileSource, type FileFormat } from './sources/file.ts';
export { createInProcessSource, type InProcessSource, type InProcessSourceOptions, type InProcessMessage } from './sources/in-process.ts';
export { systemClock, type Clock } from '../core/clock.ts';
export type { IngestTotals } from './ingest-stats.ts';
export type { IngestSource, SourceSink, SourceMessage, StreamRef, Reject, PartitionLag } from './types.ts';
