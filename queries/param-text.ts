import type { MultiPolygonCoords } from '../core/geojson.ts';
import { stringLiteral } from '../core/sql-text.ts';

/**
 * Query parameter values in ClickHouse's text form, the one both transports
 * (HTTP `param_x=` and the embedded binder) and `clickhouse-client
 * --param_x=` accept. Nested values are built here as text because
 * @clickhouse/client turns JS arrays of numbers into arrays, never tuples.
 */
export type ParamText = string;
export type ParamValues = Readonly<Record<string, ParamText>>;

/** 'YYYY-MM-DD hh:mm:ss.sss' in UTC, for {x:DateTime64(3, 'UTC')}. */
export function dateTimeParam(ms: number): ParamText {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** 'YYYY-MM-DD hh:mm:ss' in UTC, for {x:DateTime('UTC')}: whole seconds (the rollups' bucket columns). */
export function bucketParam(ms: number): ParamText {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** The inverse of ClickHouse's DateTime64(3, 'UTC') text output: RFC 3339 with milliseconds. */
export function rfc3339FromClickHouse(text: string): string {
  return `${text.replace(' ', 'T')}Z`;
}

/** `[[[(lon, lat), ...], hole, ...], ...]` for {x:MultiPolygon}. */
export function multiPolygonParam(polygons: MultiPolygonCoords): ParamText {
  const ring = (points: readonly (readonly [number, number])[]) => `[${points.map(([lon, lat]) => `(${lon},${lat})`).join(',')}]`;
  return `[${polygons.map((rings) => `[${rings.map(ring).join(',')}]`).join(',')}]`;
}

/** H3 cells given as h3-js hex strings, for {x:Array(UInt64)}. */
export function cellsParam(cells: readonly string[]): ParamText {
  return `[${cells.map((cell) => BigInt(`0x${cell}`).toString()).join(',')}]`;
}

/** For {x:Array(String)}; quotes and backslashes escaped as in ClickHouse string literals. */
export function stringArrayParam(values: readonly string[]): ParamText {
  return `[${values.map(stringLiteral).join(',')}]`;
}

export function numberParam(value: number): ParamText {
  if (!Number.isFinite(value)) throw new RangeError(`query parameter ${value} is not a finite number`);
  return String(value);
}
