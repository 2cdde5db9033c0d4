export interface StreamEvent {
  readonly event: string;
  readonly data: string;
}

/**
 * Server-Sent Events parsed from text as it arrives, chunk by chunk. The page
 * reads the stream with fetch() rather than EventSource, because EventSource
 * cannot send the Authorization header an API key needs, and parses it in a
 * worker (live-worker.ts).
 */
export class EventStreamParser {
  private buffer = '';

  /** The events this text completes, in order. */
  push(text: string): StreamEvent[] {
    // A snapshot of ten thousand vehicles comes in dozens of chunks: look for its end only in what is new.
    let from = Math.max(0, this.buffer.length - 1);
    this.buffer += text;
    const events: StreamEvent[] = [];
    let end: number;
    while ((end = this.buffer.indexOf('\n\n', from)) >= 0) {
      const parsed = parseBlock(this.buffer.slice(0, end));
      this.buffer = this.buffer.slice(end + 2);
      from = 0;
      if (parsed) events.push(parsed);
    }
    return events;
  }
}

export function parseBlock(block: string): StreamEvent | undefined {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
  }
  return data.length > 0 ? { event, data: data.join('\n') } : undefined;
}
