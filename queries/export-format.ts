import type { FastifyRequest } from 'fastify';
import { FleetlakeError } from '../core/errors.ts';

/**
 * The answer formats a route may offer and their media types. `arrow` is the
 * Arrow IPC *stream* format: it is written and read batch by batch with no
 * footer to seek to, so it can leave the server while ClickHouse still
 * produces it; the Arrow *file* format ends in a footer of offsets and needs
 * the whole answer first. pyarrow.ipc.open_stream, DuckDB's read_arrow and
 * ClickHouse's ArrowStream input all read it.
 */
export const EXPORT_FORMATS = {
  json: { mediaType: 'application/json' },
  ndjson: { mediaType: 'application/x-ndjson' },
  csv: { mediaType: 'text/csv' },
  parquet: { mediaType: 'application/vnd.apache.parquet' },
  arrow: { mediaType: 'application/vnd.apache.arrow.stream' },
} as const;

export type ExportFormat = keyof typeof EXPORT_FORMATS;

/** The Content-Type an answer in this format carries. */
export function contentType(format: ExportFormat): string {
  return format === 'csv' ? 'text/csv; charset=utf-8' : EXPORT_FORMATS[format].mediaType;
}

/** The `format` query parameter of a route offering these formats. */
export function formatQuerySchema(offered: readonly ExportFormat[]) {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      format: {
        type: 'string',
        enum: [...offered],
        description: `the answer's format; overrides Accept (${offered.map((f) => `${f}: ${EXPORT_FORMATS[f].mediaType}`).join(', ')})`,
      },
    },
  } as const;
}

interface MediaRange {
  readonly type: string;
  readonly q: number;
  readonly order: number;
}

/**
 * The format of a request's answer: `?format=` when given (the route's schema
 * has checked it is offered), otherwise the offered media type the Accept
 * header prefers (q-values, then the more specific range, then the header's
 * order); no Accept, or one allowing anything, gives the first offered. An
 * Accept allowing none of them is a 406 naming what is offered.
 */
export function negotiateFormat<F extends ExportFormat>(request: FastifyRequest, offered: readonly [F, ...F[]]): F {
  const asked = (request.query as { format?: string } | undefined)?.format;
  if (asked !== undefined) return asked as F;
  const accept = request.headers.accept?.trim();
  if (!accept) return offered[0];
  const ranges = parseAccept(accept);
  let best: { format: F; q: number; specificity: number; order: number } | undefined;
  for (const format of offered) {
    const mediaType = EXPORT_FORMATS[format].mediaType;
    const [kind] = mediaType.split('/');
    for (const range of ranges) {
      const specificity = range.type === mediaType ? 2 : range.type === `${kind}/*` ? 1 : range.type === '*/*' ? 0 : -1;
      if (specificity < 0 || range.q === 0) continue;
      if (!best || range.q > best.q || (range.q === best.q && (specificity > best.specificity || (specificity === best.specificity && range.order < best.order)))) {
        best = { format, q: range.q, specificity, order: range.order };
      }
    }
  }
  if (best) return best.format;
  throw new FleetlakeError('API_NOT_ACCEPTABLE', {
    offered: offered.map((f) => EXPORT_FORMATS[f].mediaType).join(', '),
    accept: accept.slice(0, 200),
    formats: offered.join('|'),
  });
}

function parseAccept(header: string): MediaRange[] {
  return header.split(',').flatMap((part, order) => {
    const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (!type) return [];
    const q = params.find((p) => p.startsWith('q='));
    const value = q === undefined ? 1 : Number(q.slice(2));
    return [{ type, q: Number.isFinite(value) ? value : 0, order }];
  });
}
