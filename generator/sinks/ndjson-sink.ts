import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { FleetlakeError, errorMessage } from '../../core/errors.ts';
import type { OutgoingMessage, PositionSink } from '../sink.ts';

export interface NdjsonSinkOptions {
  /** End the stream on close (files); leave it open for stdout. */
  readonly endOnClose: boolean;
  /** Called when the reader went away (EPIPE, e.g. `| head`); later batches are dropped. */
  readonly onReaderGone?: () => void;
}

/** One message value per line, written with back-pressure: send resolves once the stream has taken the batch. */
export function createNdjsonSink(stream: NodeJS.WritableStream, options: NdjsonSinkOptions): PositionSink {
  let gone = false;
  let failure: Error | undefined;
  const onError = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') {
      gone = true;
      options.onReaderGone?.();
    } else failure = err;
  };
  stream.on('error', onError);
  return {
    async send(batch: OutgoingMessage[]) {
      if (failure) throw failure;
      if (gone || batch.length === 0) return;
      const lines = new Array<string>(batch.length + 1);
      for (let i = 0; i < batch.length; i++) lines[i] = batch[i]!.value;
      lines[batch.length] = '';
      if (!stream.write(lines.join('\n'))) await writable(stream);
      if (failure) throw failure;
    },
    async close() {
      if (options.endOnClose && !gone) {
        stream.end();
        await once(stream, 'finish');
      }
      stream.off('error', onError);
      if (failure) throw failure;
    },
  };
}

/** Resolves when the stream drains, closes or fails (the failure itself is handled by the sink's error listener). */
function writable(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      for (const event of ['drain', 'close', 'error']) stream.off(event, done);
      resolve();
    };
    for (const event of ['drain', 'close', 'error']) stream.on(event, done);
  });
}

/** NDJSON into a file (created or truncated); fails clearly if the file cannot be opened. */
export async function openNdjsonFileSink(path: string): Promise<PositionSink> {
  const stream = createWriteStream(path, { flags: 'w' });
  try {
    await once(stream, 'open');
  } catch (err) {
    throw new FleetlakeError('USAGE', { detail: `cannot write positions to ${path}: ${errorMessage(err)}` });
  }
  return createNdjsonSink(stream, { endOnClose: true });
}
