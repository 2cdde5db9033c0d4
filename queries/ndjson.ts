import { Readable } from 'node:stream';
import { toApiError } from './clickhouse-errors.ts';
import type { QueryName } from './named-sql.ts';

/** What of a Fastify request the body needs: its id, and its log for what the client may not read. */
export interface StreamingRequest {
  readonly id: string;
  readonly log: { warn(details: object, message: string): void };
}

/**
 * An application/x-ndjson body. A query failure before the first row has
 * already been answered with its status (the runner waits for that row); one
 * after the headers left can only be reported as the last line,
 * {"error", "message", "request_id"}, like every other API error body, with
 * the details in the log under that id.
 */
export function ndjsonBody(lines: AsyncIterable<string>, query: QueryName, budgetMs: number, request: StreamingRequest): Readable {
  async function* guarded(): AsyncGenerator<string> {
    try {
      yield* lines;
    } catch (err) {
      const error = toApiError(err, query, budgetMs);
      request.log.warn({ code: error.code, err: error.message }, 'query failed while streaming');
      yield `${JSON.stringify({ error: error.code, message: error.publicMessage, request_id: request.id })}\n`;
    }
  }
  return Readable.from(guarded());
}
