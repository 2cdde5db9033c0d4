import { createFleetEngine } from './engine.ts';
import type { BackfillOptions } from './fleet-options.ts';
import type { OutgoingMessage } from './sink.ts';

const CHUNK = 4096;

/**
 * The whole fleet over [fromMs, toMs) on a simulated clock, as fast as it can
 * be computed: a synchronous, lazy iterator of messages in event-time order
 * (faults, when asked for, reorder some on purpose). The same options always
 * give the same messages. Options are checked when iteration starts.
 */
export function* backfillMessages(options: BackfillOptions): Generator<OutgoingMessage, void, undefined> {
  const engine = createFleetEngine(options, options.fromMs, options.toMs);
  const chunk: OutgoingMessage[] = [];
  for (;;) {
    chunk.length = 0;
    if (engine.fill(chunk, CHUNK, Infinity) === 0) return;
    yield* chunk;
  }
}
