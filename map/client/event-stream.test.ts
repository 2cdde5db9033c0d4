import { describe, expect, it } from 'vitest';
import { EventStreamParser } from './event-stream.ts';

describe('EventStreamParser', () => {
  it('gives named events with their data, across chunk boundaries, skipping comments and retry lines', () => {
    const text = 'retry: 2000\n\nevent: snapshot\ndata: {"positions":[]}\n\n: still here\n\nevent: changes\ndata: {"a":\ndata: 1}\n\ndata: plain\n\n';
    const parser = new EventStreamParser();
    const events = [];
    for (let i = 0; i < text.length; i += 7) events.push(...parser.push(text.slice(i, i + 7)));
    expect(events).toEqual([
      { event: 'snapshot', data: '{"positions":[]}' },
      { event: 'changes', data: '{"a":\n1}' },
      { event: 'message', data: 'plain' },
    ]);
  });
});
