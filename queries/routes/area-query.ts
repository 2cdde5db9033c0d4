import type { FastifyInstance, FastifyRequest } from 'fastify';
import { restrictionParams, UNRESTRICTED } from '../auth/restriction.ts';
import { areaQueryFor, planAreaQuery, planStats, type AreaPlan } from '../area-plan.ts';
import { coverArea, type AreaCover } from '../area-cover.ts';
import { resolveArea, type AreaInput } from '../area-input.ts';
import { contentType, formatQuerySchema } from '../export-format.ts';
import { ndjsonBody } from '../ndjson.ts';
import { cellsParam, dateTimeParam, multiPolygonParam, numberParam, rfc3339FromClickHouse, stringArrayParam } from '../param-text.ts';
import type { QueryStats, RowStream } from '../query-runner.ts';
import { checkReadBudget, estimateReadMs, type ReadEstimate } from '../read-budget.ts';
import { checkLimit } from '../request-checks.ts';
import { errorResponses, limitProperty, periodProperties, statsSchema, VEHICLE_TYPE_PATTERN, type ApiStats } from '../schemas.ts';
import { installSummaryExport, SUMMARY_FORMATS, summaryFormat } from '../summary-export.ts';
import { checkPeriod } from '../time-range.ts';

interface AreaQueryBody {
  readonly area: AreaInput;
  readonly from: string;
  readonly to: string;
  readonly moving_only: boolean;
  readonly vehicle_types?: string[];
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

export const areaSchema = {
  type: 'object',
  description:
    'A GeoJSON Polygon or MultiPolygon ([lon, lat] positions; holes allowed; at most api.max_vertices vertices), or {"district_id": "d01"} for a stored district.',
  properties: {
    type: { type: 'string', enum: ['Polygon', 'MultiPolygon'] },
    coordinates: { type: 'array' },
    district_id: { type: 'string', minLength: 1, maxLength: 128 },
  },
  examples: [
    { type: 'Polygon', coordinates: [[[-73.6, 45.5], [-73.57, 45.5], [-73.57, 45.52], [-73.6, 45.52], [-73.6, 45.5]]] },
    { district_id: 'd06' },
  ],
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
            area: areaSchema,
            ...periodProperties,
            moving_only: {
              type: 'boolean',
              default: true,
              description: `count only moving positions: speed_kmh >= ${config.moving_threshold_kmh} (api.moving_threshold_kmh)`,
            },
            vehicle_types: { type: 'array', items: { type: 'string', pattern: VEHICLE_TYPE_PATTERN }, maxItems: 100, description: 'absent means every type' },
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
      const period = checkPeriod(body.from, body.to, config.max_period.ms);
      const limit = checkLimit(body.limit, config.max_limit);
      const area = await resolveArea(body.area, app.queries, config.max_vertices);
      const coverStarted = performance.now();
      const cover = coverArea(area.polygons, config.max_index_cells);
      const coverMs = performance.now() - coverStarted;
      const restriction = restrictionParams(request.apiKey);
      const plan = planAreaQuery({
        period,
        cover,
        movingOnly: body.moving_only,
        movingThresholdKmh: config.moving_threshold_kmh,
        restrictedArea: restriction.restrict_area !== UNRESTRICTED.restrict_area,
        useRollups: config.use_rollups,
      });
      const query = areaQueryFor(plan, {
        polygons: multiPolygonParam(area.polygons),
        interior_cells: cellsParam(cover.interior),
        boundary_cells: cellsParam(cover.boundary),
        from: dateTimeParam(period.fromMs),
        to: dateTimeParam(period.toMs),
        min_speed_kmh: numberParam(body.moving_only ? config.moving_threshold_kmh : 0),
        vehicle_types: stringArrayParam(body.vehicle_types ?? []),
        // One more than asked: its presence is what `truncated` reports.
        limit: numberParam(limit + 1),
        ...restriction,
      }, body.moving_only);
      const estimate = estimateReadMs(await app.queries.estimate(query.name, query.params), {
        rawRowsPerSecond: config.read_rows_per_second,
        rollupRowsPerSecond: config.rollup_rows_per_second,
      });
      checkReadBudget(query.name, estimate, config.query_timeout.ms, AREA_HINT);
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
    reads: estimate.tables,
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
