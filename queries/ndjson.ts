import { Readable } from 'node:stream';
import { toApiError } from './clickhouse-errors.ts';
import type { QueryName } from './named-sql.ts';

/**
 * An application/x-ndjson body. A query failure before the first row has
 * already been answered with its status (the runner waits for that row); one
 * after the headers left can only be reported as the last line,
 * {"error", "message"}, like every other API error body.
 */
export function ndjsonBody(lines: AsyncIterable<string>, query: QueryName, budgetMs: number): Readable {
  async function* guarded(): AsyncGenerator<string> {
    try {
      yield* lines;
    } catch (err) {
      const error = toApiError(err, query, budgetMs);
      yield `${JSON.stringify({ error: error.code, message: error.message })}\n`;
    }
  }
  return Readable.from(guarded());
}
