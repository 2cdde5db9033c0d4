import type { FastifyInstance } from 'fastify';
import { areaSelectionProperties, selectArea, type AreaSelectionBody } from '../area-selection.ts';
import { countLines } from '../counted-body.ts';
import { contentType, EXPORT_FORMATS, formatQuerySchema, negotiateFormat, type ExportFormat } from '../export-format.ts';
import type { RawFormat } from '../query-runner.ts';
import { checkedEstimate } from '../read-budget.ts';
import { errorResponses } from '../schemas.ts';

/** NDJSON first: the default when Accept allows anything. */
export const POSITION_FORMATS = ['ndjson', 'csv', 'parquet', 'arrow'] as const satisfies readonly [ExportFormat, ...ExportFormat[]];

type PositionFormat = (typeof POSITION_FORMATS)[number];

/** What ClickHouse writes for each format, and the file name a download gets (none for NDJSON, which is read as it comes). */
const OUTPUT: Record<PositionFormat, { readonly clickhouse: RawFormat; readonly file?: string }> = {
  ndjson: { clickhouse: 'JSONEachRow' },
  csv: { clickhouse: 'CSVWithNames', file: 'area-positions.csv' },
  parquet: { clickhouse: 'Parquet', file: 'area-positions.parquet' },
  arrow: { clickhouse: 'ArrowStream', file: 'area-positions.arrows' },
};

const POSITIONS_HINT = 'Ask for a smaller area or a shorter period, or export the period in parts.';

/** The columns of queries/sql/area-positions.sql. */
const COLUMNS = ['vehicle_id', 'ts', 'lat', 'lon', 'speed_kmh', 'heading_deg', 'vehicle_type'];

/**
 * POST /v1/area-query/positions: every position inside an area during a
 * period, by vehicle then time, in the format the client asks for. ClickHouse
 * writes the bytes (queries/sql/area-positions.sql with FORMAT JSONEachRow,
 * CSVWithNames, Parquet or ArrowStream) and the route passes them on as they
 * come; the checks, limits and exactness are POST /v1/area-query's.
 */
export async function areaPositionsRoutes(app: FastifyInstance): Promise<void> {
  const { config } = app.api;
  app.post<{ Body: AreaSelectionBody; Querystring: { format?: ExportFormat } }>(
    '/v1/area-query/positions',
    {
      config: { scope: 'read', heavy: true },
      schema: {
        tags: ['areas'],
        summary: 'every position inside an area during a period, for replay and export',
        description:
          'The positions POST /v1/area-query sums up, one by one, ordered by vehicle_id then ts: exact as that route is ' +
          '(pointInPolygon strictly inside the outer rings; a hole\'s own edge counts as inside), with the same moving_only and vehicle_types filters, ' +
          'period limit (api.max_period) and time budget (api.query_timeout): a request estimated past the budget is refused with 422 before it runs. There is no row limit: the period and the budget bound the answer. ' +
          'The format is `?format=` or else the Accept header: NDJSON (the default), CSV with a header line, Parquet, or the Arrow IPC stream format. ' +
          'ClickHouse writes the bytes (queries/sql/area-positions.sql) and they are sent on as they come; ' +
          'a failure after the first byte ends the transfer without its last chunk, so a client sees an incomplete answer, never a short one.',
        querystring: formatQuerySchema(POSITION_FORMATS),
        body: {
          type: 'object',
          required: ['area', 'from', 'to'],
          additionalProperties: false,
          properties: {
            ...areaSelectionProperties(config.moving_threshold_kmh, 'only moving positions'),
          },
        },
        response: {
          200: {
            description: 'the matching positions, by vehicle_id then ts',
            content: {
              [EXPORT_FORMATS.ndjson.mediaType]: { schema: { type: 'string', description: `one {${COLUMNS.join(', ')}} object per line` } },
              [contentType('csv')]: { schema: { type: 'string', description: `a header line, then one row per position: ${COLUMNS.join(',')}` } },
              [EXPORT_FORMATS.parquet.mediaType]: { schema: { type: 'string', format: 'binary' } },
              [EXPORT_FORMATS.arrow.mediaType]: { schema: { type: 'string', format: 'binary' } },
            },
          },
          406: { description: 'Accept allows none of the formats offered', $ref: 'ApiError#' },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const format = negotiateFormat(request, POSITION_FORMATS);
      const { params, boundRows } = await selectArea(app, request, request.body);
      await checkedEstimate(app.queries, config, 'area-positions', params, POSITIONS_HINT, boundRows);
      const output = await app.queries.raw('area-positions', params, OUTPUT[format].clickhouse);
      void reply.type(contentType(format));
      const file = OUTPUT[format].file;
      if (file) void reply.header('content-disposition', `attachment; filename="${file}"`);
      return reply.send(format === 'ndjson' || format === 'csv' ? countLines(output, request, format === 'csv' ? 1 : 0) : output);
    },
  );
}
