import { describe, expect, it } from 'vitest';
import { readEventStream, type StreamEvent } from './event-stream.ts';

describe('readEventStream', () => {
  it('gives named events with their data, across chunk boundaries, skipping comments and retry lines', async () => {
    const text = 'retry: 2000\n\nevent: snapshot\ndata: {"positions":[]}\n\n: still here\n\nevent: changes\ndata: {"a":\ndata: 1}\n\ndata: plain\n\n';
    const bytes = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.subarray(i, i + 7));
        controller.close();
      },
    });
    const events: StreamEvent[] = [];
    await readEventStream(body, (event) => events.push(event));
    expect(events).toEqual([
      { event: 'snapshot', data: '{"positions":[]}' },
      { event: 'changes', data: '{"a":\n1}' },
      { event: 'message', data: 'plain' },
    ]);
  });
});
