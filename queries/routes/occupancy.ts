import type { FastifyInstance } from 'fastify';
import { FleetlakeError } from '../../core/errors.ts';
import { parseDuration } from '../../core/duration.ts';
import { restrictionParams } from '../auth/restriction.ts';
import { coverArea } from '../area-cover.ts';
import { findDistrict } from '../area-input.ts';
import { bucketParam, cellsParam, multiPolygonParam, numberParam } from '../param-text.ts';
import { checkReadBudget, estimateReadMs } from '../read-budget.ts';
import { errorResponses, periodProperties, statsSchema } from '../schemas.ts';
import { formatDurationMs } from '../../core/duration.ts';
import { checkPeriod } from '../time-range.ts';

const HOUR_MS = 3_600_000;

interface OccupancyQuery {
  readonly from: string;
  readonly to: string;
  readonly step: string;
}

/** GET /v1/districts/{id}/occupancy: distinct vehicles inside a district per step, from the presence rollups. */
export async function occupancyRoutes(app: FastifyInstance): Promise<void> {
  const { config } = app.api;

  app.get<{ Params: { id: string }; Querystring: OccupancyQuery }>(
    '/v1/districts/:id/occupancy',
    {
      config: { scope: 'read', heavy: true },
      schema: {
        tags: ['districts'],
        summary: 'how many vehicles were inside a district during each step of a period',
        description:
          'A vehicle counts in a step when at least one of its positions in [step, step + step length) is inside the district ' +
          '(pointInPolygon, exactly as POST /v1/area-query). Served from the hourly presence rollup for the cells wholly inside, ' +
          'raw positions for the cells on the edge; so from, to and step are whole hours.',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 128 } } },
        querystring: {
          type: 'object',
          required: ['from', 'to'],
          additionalProperties: false,
          properties: {
            ...periodProperties,
            step: { type: 'string', pattern: '^\\d+(h|d|w)$', default: '1h', description: 'step length, a whole number of hours: 1h, 6h, 1d, 1w' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['district_id', 'name', 'from', 'to', 'step', 'steps', 'stats'],
            properties: {
              district_id: { type: 'string' },
              name: { type: 'string' },
              from: { type: 'string', format: 'date-time' },
              to: { type: 'string', format: 'date-time' },
              step: { type: 'string' },
              steps: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['from', 'vehicles'],
                  properties: { from: { type: 'string', format: 'date-time', description: 'start of the step' }, vehicles: { type: 'integer' } },
                },
              },
              stats: statsSchema,
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { from, to, step } = request.query;
      const period = checkPeriod(from, to, config.max_period.ms);
      const stepMs = parseDuration(step)?.ms ?? 0;
      const invalid = (detail: string) => new FleetlakeError('API_INVALID_PERIOD', { detail });
      if (period.fromMs % HOUR_MS !== 0 || period.toMs % HOUR_MS !== 0) throw invalid(`from and to must be whole hours (e.g. ${new Date(Math.floor(period.fromMs / HOUR_MS) * HOUR_MS).toISOString()}): steps are built from hourly rollups`);
      const steps = Math.ceil((period.toMs - period.fromMs) / stepMs);
      if (steps > config.max_limit) throw new FleetlakeError('API_LIMIT_TOO_HIGH', { limit: `${steps} steps`, max: config.max_limit, setting: 'api.max_limit; a longer step gives fewer' });
      const district = await findDistrict(app.queries, request.params.id);
      const cover = coverArea(district.polygons, config.max_index_cells);
      if (cover.strategy !== 'h3') throw new FleetlakeError('API_INVALID_AREA', { detail: `district ${district.id} cannot be read by cells: ${cover.reason ?? ''}` });
      const params = {
        polygons: multiPolygonParam(district.polygons),
        interior_cells: cellsParam(cover.interior),
        boundary_cells: cellsParam(cover.boundary),
        from: bucketParam(period.fromMs),
        to: bucketParam(period.toMs),
        step_s: numberParam(stepMs / 1000),
        ...restrictionParams(request.apiKey),
      };
      const estimate = estimateReadMs(await app.queries.estimate('district-occupancy', params), {
        rawRowsPerSecond: config.read_rows_per_second,
        rollupRowsPerSecond: config.rollup_rows_per_second,
      });
      checkReadBudget('district-occupancy', estimate, config.query_timeout.ms, 'Ask for a shorter period.');
      const { rows, stats } = await app.queries.all<{ step: string; vehicles: string }>('district-occupancy', params);
      const counts = new Map(rows.map((r) => [Number(r.step), Number(r.vehicles)]));
      request.auditRows = steps;
      return {
        district_id: district.id,
        name: district.name,
        from: new Date(period.fromMs).toISOString(),
        to: new Date(period.toMs).toISOString(),
        step: formatDurationMs(stepMs),
        steps: Array.from({ length: steps }, (_, i) => ({ from: new Date(period.fromMs + i * stepMs).toISOString(), vehicles: counts.get(i) ?? 0 })),
        stats: {
          rows_read: stats.rowsRead,
          bytes_read: stats.bytesRead,
          elapsed_ms: stats.elapsedMs,
          index: cover.strategy,
          h3_cells: cover.cellCount,
          h3_boundary_cells: cover.boundary.length,
          estimated_ms: estimate.ms,
          reads: estimate.tables,
        },
      };
    },
  );
}
