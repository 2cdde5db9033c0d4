import type { SourceSink, StreamRef } from '../types.ts';

/** Waits until the core has room for `stream`, or until `signal` aborts (a stop must not hang on a full pipeline). */
export function untilWritable(sink: SourceSink, stream: StreamRef, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    void sink.writable(stream).then(done);
  });
}
