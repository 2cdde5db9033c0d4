import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UNRESTRICTED } from '../auth/restriction.ts';
import { areaQueryFor, planAreaQuery, planStats, type AreaPlan } from '../area-plan.ts';
import type { AreaCover } from '../area-cover.ts';
import { areaSelectionProperties, selectArea, type AreaSelectionBody } from '../area-selection.ts';
import { contentType, formatQuerySchema } from '../export-format.ts';
import { ndjsonBody } from '../ndjson.ts';
import { numberParam, rfc3339FromClickHouse } from '../param-text.ts';
import type { QueryStats, RowStream } from '../query-runner.ts';
import { checkedEstimate, type ReadEstimate } from '../read-budget.ts';
import { checkLimit } from '../request-checks.ts';
import { errorResponses, limitProperty, statsSchema, type ApiStats } from '../schemas.ts';
import { installSummaryExport, SUMMARY_FORMATS, summaryFormat } from '../summary-export.ts';

interface AreaQueryBody extends AreaSelectionBody {
  readonly limit: number;
}

/** A row of queries/sql/area-vehicles.sql. */
interface VehicleRow {
  readonly vehicle_id: string;
  readonly vehicle_type: string;
  readonly first_ts: string;
  readonly last_ts: string;
  readonly positions: string;
  readonly max_speed_kmh: number;
}

const vehicleSchema = {
  type: 'object',
  required: ['vehicle_id', 'vehicle_type', 'first_ts', 'last_ts', 'positions', 'max_speed_kmh'],
  properties: {
    vehicle_id: { type: 'string' },
    vehicle_type: { type: 'string', description: 'type on its last matching position; empty when the producer sent none' },
    first_ts: { type: 'string', format: 'date-time', description: 'first matching position' },
    last_ts: { type: 'string', format: 'date-time', description: 'last matching position' },
    positions: { type: 'integer', description: 'matching positions' },
    max_speed_kmh: { type: 'number', description: 'top speed over the matching positions' },
  },
} as const;

function toVehicle(row: VehicleRow) {
  return {
    vehicle_id: row.vehicle_id,
    vehicle_type: row.vehicle_type,
    first_ts: rfc3339FromClickHouse(row.first_ts),
    last_ts: rfc3339FromClickHouse(row.last_ts),
    positions: Number(row.positions),
    max_speed_kmh: row.max_speed_kmh,
  };
}

export function wantsNdjson(request: FastifyRequest): boolean {
  return summaryFormat(request) === 'ndjson';
}

/** POST /v1/area-query: which vehicles were in an area during a period, exactly. */
export async function areaQueryRoutes(app: FastifyInstance): Promise<void> {
  const { config } = app.api;
  const resultSchema = {
    type: 'object',
    required: ['vehicles', 'truncated', 'stats'],
    properties: {
      area: {
        type: 'object',
        properties: { district_id: { type: 'string' }, district_name: { type: 'string' }, vertices: { type: 'integer' } },
      },
      vehicles: { type: 'array', items: vehicleSchema },
      truncated: { type: 'boolean', description: 'more vehicles matched than the limit' },
      stats: statsSchema,
    },
  } as const;

  installSummaryExport(app);
  app.post<{ Body: AreaQueryBody; Querystring: { format?: string } }>(
    '/v1/area-query',
    {
      config: { scope: 'read', heavy: true },
      schema: {
        tags: ['areas'],
        summary: 'vehicles with at least one position inside an area during a period',
        description:
          'Exact: equal to testing every stored position with pointInPolygon (strictly inside the outer rings; a hole\'s own edge counts as inside). ' +
          'H3 cells only choose what ClickHouse reads. With `Accept: application/x-ndjson` the vehicles stream one JSON object per line, ' +
          'and a last line {"truncated", "stats"} closes the answer. ' +
          'CSV and Parquet (`?format=` or Accept) hold the vehicles as a table; the header x-fleetlake-truncated says whether the limit cut it.',
        querystring: formatQuerySchema(SUMMARY_FORMATS),
        body: {
          type: 'object',
          required: ['area', 'from', 'to'],
          additionalProperties: false,
          properties: {
            ...areaSelectionProperties(config.moving_threshold_kmh, 'count only moving positions'),
            limit: limitProperty('vehicles', config.default_limit, config.max_limit),
          },
        },
        response: {
          200: {
            description: 'the matching vehicles in vehicle_id order',
            content: {
              'application/json': { schema: resultSchema },
              'application/x-ndjson': { schema: { type: 'string', description: 'one vehicle per line, then {"truncated": ..., "stats": ...}' } },
              [contentType('csv')]: { schema: { type: 'string', description: 'a header line, then one row per vehicle with the columns of `vehicles`' } },
              [contentType('parquet')]: { schema: { type: 'string', format: 'binary' } },
            },
          },
          406: { description: 'Accept allows none of the formats offered', $ref: 'ApiError#' },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const limit = checkLimit(body.limit, config.max_limit);
      const { period, area, cover, coverMs, params, boundRows } = await selectArea(app, request, body);
      const plan = planAreaQuery({
        period,
        cover,
        movingOnly: body.moving_only,
        movingThresholdKmh: config.moving_threshold_kmh,
        restrictedArea: params.restrict_area !== UNRESTRICTED.restrict_area,
        useRollups: config.use_rollups,
      });
      // One more than asked: its presence is what `truncated` reports.
      const query = areaQueryFor(plan, { ...params, limit: numberParam(limit + 1) }, body.moving_only);
      const estimate = await checkedEstimate(app.queries, config, query.name, query.params, AREA_HINT, boundRows);
      const rows = await app.queries.stream<VehicleRow>(query.name, query.params);
      const stats = () => areaStats(rows.stats(), cover, coverMs, plan, estimate);
      if (wantsNdjson(request)) {
        return reply.type('application/x-ndjson').send(ndjsonBody(ndjsonLines(rows, limit, stats, request), 'area-vehicles', config.query_timeout.ms, request));
      }
      const vehicles: ReturnType<typeof toVehicle>[] = [];
      let truncated = false;
      for await (const row of rows) {
        if (vehicles.length < limit) vehicles.push(toVehicle(row));
        else truncated = true;
      }
      const areaInfo = area.district ? { district_id: area.district.id, district_name: area.district.name, vertices: area.vertices } : { vertices: area.vertices };
      request.auditRows = vehicles.length;
      return { area: areaInfo, vehicles, truncated, stats: stats() };
    },
  );
}

const AREA_HINT =
  'Ask for a smaller area or a shorter period; periods of whole hours and days inside the area come from the presence rollups, ' +
  'so the area\'s edges and the partial hours at the period\'s ends are what cost the most.';

function areaStats(query: QueryStats, cover: AreaCover, coverMs: number, plan: AreaPlan, estimate: ReadEstimate): ApiStats {
  return {
    ...planStats(plan),
    estimated_ms: estimate.ms,
    estimate_from: estimate.source,
    ...(estimate.source === 'index' ? { reads: estimate.tables } : {}),
    rows_read: query.rowsRead,
    bytes_read: query.bytesRead,
    elapsed_ms: query.elapsedMs,
    cover_ms: coverMs,
    index: cover.strategy,
    ...(cover.reason ? { index_note: cover.reason } : {}),
    h3_cells: cover.cellCount,
    h3_boundary_cells: cover.boundary.length,
  };
}

/** One vehicle per line, then the summary line. */
async function* ndjsonLines(rows: RowStream<VehicleRow>, limit: number, stats: () => ApiStats, request: FastifyRequest): AsyncGenerator<string> {
  let sent = 0;
  let truncated = false;
  for await (const row of rows) {
    if (sent < limit) {
      sent++;
      request.auditRows = sent;
      yield `${JSON.stringify(toVehicle(row))}\n`;
    } else truncated = true;
  }
  yield `${JSON.stringify({ truncated, stats: stats() })}\n`;
}
