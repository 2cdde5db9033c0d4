import type { FastifyInstance } from 'fastify';
import { H3_RESOLUTION } from '../../core/names.ts';
import { restrictionParams } from '../auth/restriction.ts';
import { coverArea } from '../area-cover.ts';
import { cellsParam, dateTimeParam, numberParam } from '../param-text.ts';
import { bboxRing, checkLimit, parseBbox, WORLD } from '../request-checks.ts';
import { bboxProperty, errorResponses, limitProperty, periodProperties, statsSchema } from '../schemas.ts';
import { checkPeriod } from '../time-range.ts';

interface HeatmapQuery {
  readonly from: string;
  readonly to: string;
  readonly resolution: number;
  readonly bbox?: string;
  readonly limit: number;
}

/** GET /v1/heatmap: positions and distinct vehicles per H3 cell over a period. */
export async function heatmapRoutes(app: FastifyInstance): Promise<void> {
  const { config } = app.api;
  app.get<{ Querystring: HeatmapQuery }>(
    '/v1/heatmap',
    {
      config: { scope: 'read', heavy: true },
      schema: {
        tags: ['heatmap'],
        summary: 'positions and distinct vehicles per H3 cell over a period',
        description: `Cells at resolution 0 to ${H3_RESOLUTION} (the stored one), as H3 strings, in cell order. The bbox test is exact, edges included.`,
        querystring: {
          type: 'object',
          required: ['from', 'to'],
          additionalProperties: false,
          properties: {
            ...periodProperties,
            resolution: { type: 'integer', minimum: 0, maximum: H3_RESOLUTION, default: H3_RESOLUTION },
            bbox: bboxProperty,
            limit: limitProperty('cells', config.default_limit, config.max_limit),
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['resolution', 'cells', 'truncated', 'stats'],
            properties: {
              resolution: { type: 'integer' },
              cells: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { cell: { type: 'string' }, positions: { type: 'integer' }, vehicles: { type: 'integer' } },
                },
              },
              truncated: { type: 'boolean' },
              stats: statsSchema,
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { resolution } = request.query;
      const period = checkPeriod(request.query.from, request.query.to, config.max_period.ms);
      const limit = checkLimit(request.query.limit, config.max_limit);
      const bbox = parseBbox(request.query.bbox);
      const box = bbox ?? WORLD;
      // The box's cover only narrows the read; without a box the period is read whole.
      const cover = bbox ? coverArea([[bboxRing(bbox)]], config.max_index_cells) : undefined;
      const { rows, stats } = await app.queries.all<{ cell: string; positions: string; vehicles: string }>('heatmap', {
        from: dateTimeParam(period.fromMs),
        to: dateTimeParam(period.toMs),
        resolution: numberParam(resolution),
        min_lon: numberParam(box.minLon),
        min_lat: numberParam(box.minLat),
        max_lon: numberParam(box.maxLon),
        max_lat: numberParam(box.maxLat),
        cells: cellsParam(cover ? [...cover.interior, ...cover.boundary] : []),
        limit: numberParam(limit + 1),
        ...restrictionParams(request.apiKey),
      });
      request.auditRows = Math.min(rows.length, limit);
      return {
        resolution,
        cells: rows.slice(0, limit).map((r) => ({ cell: r.cell, positions: Number(r.positions), vehicles: Number(r.vehicles) })),
        truncated: rows.length > limit,
        stats: {
          rows_read: stats.rowsRead,
          bytes_read: stats.bytesRead,
          elapsed_ms: stats.elapsedMs,
          index: cover?.strategy ?? 'scan',
          ...(cover?.reason ? { index_note: cover.reason } : bbox ? {} : { index_note: 'no bbox: the whole period is read' }),
          h3_cells: cover?.cellCount ?? 0,
        },
      };
    },
  );
}
