import type { OutgoingMessage, PositionSink } from '../sink.ts';

/** Drops everything and counts it: for benchmarks and dry runs. */
export interface NullSink extends PositionSink {
  readonly messages: number;
  /** Characters of all values (the JSON is ASCII unless a vehicle id is not). */
  readonly chars: number;
}

export function createNullSink(): NullSink {
  let messages = 0;
  let chars = 0;
  return {
    get messages() {
      return messages;
    },
    get chars() {
      return chars;
    },
    async send(batch: OutgoingMessage[]) {
      messages += batch.length;
      for (const m of batch) chars += m.value.length;
    },
    async close() {},
  };
}
