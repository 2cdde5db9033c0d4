import { Transform, type Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';

/**
 * Passes a text body with one row per line through, counting its rows for the
 * audit trail (request.auditRows); `header` lines (CSVWithNames has one) are
 * not rows. Binary formats (Parquet, Arrow) go uncounted.
 */
export function countLines(body: Readable, request: FastifyRequest, header: 0 | 1): Readable {
  let newlines = 0;
  return body.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines++;
        request.auditRows = Math.max(0, newlines - header);
        done(null, chunk);
      },
    }),
  );
}
