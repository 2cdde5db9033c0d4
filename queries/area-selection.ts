import type { FastifyInstance, FastifyRequest } from 'fastify';
import { restrictionParams } from './auth/restriction.ts';
import { coverArea, type AreaCover } from './area-cover.ts';
import { resolveArea, type AreaInput, type ResolvedArea } from './area-input.ts';
import { cellsParam, dateTimeParam, multiPolygonParam, numberParam, stringArrayParam, type ParamValues } from './param-text.ts';
import { periodProperties, VEHICLE_TYPE_PATTERN } from './schemas.ts';
import { checkPeriod, type Period } from './time-range.ts';
import { readBound } from './period-bound.ts';

/** What both area routes select: the summary (POST /v1/area-query) counts it, the positions route returns it. */
export interface AreaSelectionBody {
  readonly area: AreaInput;
  readonly from: string;
  readonly to: string;
  readonly moving_only: boolean;
  readonly vehicle_types?: string[];
}

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

/** The body properties of AreaSelectionBody; `movingOnly` says what the switch does on this route. */
export function areaSelectionProperties(movingThresholdKmh: number, movingOnly: string) {
  return {
    area: areaSchema,
    ...periodProperties,
    moving_only: { type: 'boolean', default: true, description: `${movingOnly}: speed_kmh >= ${movingThresholdKmh} (api.moving_threshold_kmh)` },
    vehicle_types: { type: 'array', items: { type: 'string', pattern: VEHICLE_TYPE_PATTERN }, maxItems: 100, description: 'absent means every type' },
  } as const;
}

/** A checked selection, and the parameters every area query's named SQL takes for it. */
export interface AreaSelection {
  readonly period: Period;
  readonly area: ResolvedArea;
  readonly cover: AreaCover;
  /** Time spent on the H3 cover, for the answer's stats. */
  readonly coverMs: number;
  readonly params: ParamValues;
  /** The most an area query of this selection can read (queries/period-bound.ts); undefined while unknown. */
  readonly boundRows: number | undefined;
}

/** Checks the period, resolves the area (404 for an unknown district) and covers it with H3 cells. */
export async function selectArea(app: FastifyInstance, request: FastifyRequest, body: AreaSelectionBody): Promise<AreaSelection> {
  const { config } = app.api;
  const period = checkPeriod(body.from, body.to, config.max_period.ms);
  const area = await resolveArea(body.area, app.queries, config.max_vertices);
  const coverStarted = performance.now();
  const cover = coverArea(area.polygons, config.max_index_cells);
  const coverMs = performance.now() - coverStarted;
  const params: ParamValues = {
    polygons: multiPolygonParam(area.polygons),
    interior_cells: cellsParam(cover.interior),
    boundary_cells: cellsParam(cover.boundary),
    from: dateTimeParam(period.fromMs),
    to: dateTimeParam(period.toMs),
    min_speed_kmh: numberParam(body.moving_only ? config.moving_threshold_kmh : 0),
    vehicle_types: stringArrayParam(body.vehicle_types ?? []),
    ...restrictionParams(request.apiKey),
  };
  return { period, area, cover, coverMs, params, boundRows: readBound(app.periodBound, period.fromMs, period.toMs, cover.cellCount) };
}
