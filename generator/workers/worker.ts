import { parentPort, workerData } from 'node:worker_threads';
import { isFleetlakeError } from '../../core/errors.ts';
import { runGenerator } from '../run.ts';
import { createKafkaSink } from '../sinks/kafka-sink.ts';
import { createNullSink } from '../sinks/null-sink.ts';
import { STOP, type WorkerJob, type WorkerReport } from './protocol.ts';

const job = workerData as WorkerJob;
const port = parentPort!;
const report = (message: WorkerReport) => port.postMessage(message);
const stop = new AbortController();
port.on('message', (message) => message === STOP && stop.abort());

try {
  const { brokers, client_id, topic, partitions } = job.kafka;
  const sink = job.sink.kind === 'null' ? createNullSink() : await createKafkaSink({ brokers, clientId: client_id, topic, partitions, compression: job.compression });
  try {
    const summary = await runGenerator({
      fleet: job.fleet,
      schedule: job.schedule,
      sink,
      signal: stop.signal,
      batchSize: job.batchSize,
      onProgress: ({ messages, reachedMs }) => report({ kind: 'progress', messages, reachedMs }),
    });
    report({ kind: 'done', summary });
  } finally {
    await sink.close();
  }
} catch (err) {
  report(isFleetlakeError(err) ? { kind: 'failed', message: err.message, code: err.code, vars: err.vars } : { kind: 'failed', message: err instanceof Error ? err.message : String(err) });
}
port.close();
