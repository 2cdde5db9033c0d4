import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { queryRows, type ClickHouseClient } from '../../core/clickhouse.ts';
import type { MultiPolygonCoords } from '../../core/geojson.ts';
import { dateTimeParam, multiPolygonParam, rfc3339FromClickHouse, stringArrayParam } from '../param-text.ts';

/** An area question as the exactness tests ask it. */
export interface AreaCase {
  readonly polygons: MultiPolygonCoords;
  readonly fromMs: number;
  readonly toMs: number;
  readonly movingOnly: boolean;
  readonly types: string[];
}

/** One vehicle of an area answer, every field the API returns. */
export interface AreaVehicle {
  vehicle_id: string;
  vehicle_type: string;
  first_ts: string;
  last_ts: string;
  positions: number;
  max_speed_kmh: number;
}

/**
 * The answer by brute force: every stored position of the period tested with
 * pointInPolygon, no H3 cell and no rollup; the yardstick of the exactness tests.
 */
export async function bruteForceArea(client: ClickHouseClient, c: AreaCase, thresholdKmh: number, group = ''): Promise<AreaVehicle[]> {
  const rows = await queryRows<{ vehicle_id: string; vehicle_type: string; first_ts: string; last_ts: string; n: string; top: number }>(
    client,
    `SELECT vehicle_id, argMax(vehicle_type, ts) AS vehicle_type, min(ts) AS first_ts, max(ts) AS last_ts, count() AS n, toFloat64(max(speed_kmh)) AS top
     FROM fleet.positions AS p
     WHERE ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')}
       AND pointInPolygon((toFloat64(lon), toFloat64(lat)), {polygons:MultiPolygon})
       AND toFloat64(speed_kmh) >= {min_speed:Float64}
       AND (empty({types:Array(String)}) OR p.vehicle_type IN {types:Array(String)})
       AND ({group:String} = '' OR vehicle_id IN (SELECT vehicle_id FROM fleet.vehicle_groups WHERE group_name = {group:String}))
     GROUP BY vehicle_id ORDER BY vehicle_id`,
    {
      from: dateTimeParam(c.fromMs),
      to: dateTimeParam(c.toMs),
      polygons: multiPolygonParam(c.polygons),
      min_speed: String(c.movingOnly ? thresholdKmh : 0),
      types: stringArrayParam(c.types),
      group,
    },
  );
  return rows.map((r) => ({
    vehicle_id: r.vehicle_id,
    vehicle_type: r.vehicle_type,
    first_ts: rfc3339FromClickHouse(r.first_ts),
    last_ts: rfc3339FromClickHouse(r.last_ts),
    positions: Number(r.n),
    max_speed_kmh: r.top,
  }));
}

/** The same question through POST /v1/area-query, with a limit above any test fleet; the answer's JSON body. */
export async function askAreaApi<Stats>(app: FastifyInstance, area: unknown, c: AreaCase, headers: Record<string, string> = {}): Promise<{ vehicles: AreaVehicle[]; truncated: boolean; stats: Stats }> {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/area-query',
    headers,
    payload: {
      area,
      from: new Date(c.fromMs).toISOString(),
      to: new Date(c.toMs).toISOString(),
      moving_only: c.movingOnly,
      ...(c.types.length > 0 ? { vehicle_types: c.types } : {}),
      limit: 10_000,
    },
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}
