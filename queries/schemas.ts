/**
 * JSON Schema pieces the routes share. Fastify validates requests and
 * serializes responses with them, and @fastify/swagger publishes them as the
 * OpenAPI document, so they are the one description of the API's shapes.
 */
export const VEHICLE_ID_PATTERN = '^[A-Za-z0-9._:-]{1,64}$';
export const VEHICLE_TYPE_PATTERN = '^[a-z0-9_-]{1,32}$';
const NUMBER = '-?\\d+(\\.\\d+)?';

export const ERROR_SCHEMA_ID = 'ApiError';

export const errorSchema = {
  $id: ERROR_SCHEMA_ID,
  type: 'object',
  description:
    'Every failure: a stable code from core/errors.ts, a message naming the field or limit at fault, and the request id ' +
    'under which the server log holds whatever the message leaves out.',
  required: ['error', 'message', 'request_id'],
  additionalProperties: false,
  properties: {
    error: { type: 'string', examples: ['API_PERIOD_TOO_LONG'] },
    message: { type: 'string' },
    request_id: { type: 'string', description: 'also sent as the x-request-id header' },
  },
} as const;

const errorRef = { $ref: `${ERROR_SCHEMA_ID}#` } as const;

const error = (description: string) => ({ description, ...errorRef }) as const;

/** Every status the API or the framework under it can give a /v1 request besides success. */
export const errorResponses = {
  400: error('a parameter or the body is invalid; the message names it'),
  401: error('no API key, an unknown one, or an expired one'),
  403: error('the API key lacks the scope this route needs'),
  404: error('no such route or object'),
  413: error('the body is larger than the API accepts'),
  414: error('a path parameter is too long'),
  415: error('the body is not application/json'),
  422: error('the query would run past its time budget (api.query_timeout) by the index\'s estimate; the message gives the estimate and what to narrow'),
  429: error('too many requests or heavy queries at once for this key; retry after Retry-After seconds'),
  500: error('an unexpected failure; the server log has it under request_id'),
  502: error('ClickHouse failed the query'),
  503: error('ClickHouse is unavailable or the schema is missing'),
  504: error('the query ran past its time budget (api.query_timeout)'),
} as const;

export const dateTime = (description: string) => ({ type: 'string', format: 'date-time', description }) as const;

export const periodProperties = {
  from: dateTime('start of the period, inclusive (RFC 3339, e.g. 2025-01-01T10:00:00Z)'),
  to: dateTime('end of the period, exclusive; from <= ts < to'),
} as const;

export const limitProperty = (what: string, defaultLimit: number, maxLimit: number) =>
  ({ type: 'integer', minimum: 1, default: defaultLimit, description: `most ${what} returned (at most ${maxLimit}, api.max_limit)` }) as const;

export const bboxProperty = {
  type: 'string',
  pattern: `^${NUMBER},${NUMBER},${NUMBER},${NUMBER}$`,
  description: 'bounding box min_lon,min_lat,max_lon,max_lat (edges included), e.g. -73.62,45.49,-73.55,45.53',
} as const;

export const vehicleTypesQueryProperty = {
  type: 'string',
  pattern: '^[a-z0-9_-]{1,32}(,[a-z0-9_-]{1,32})*$',
  description: 'comma-separated vehicle types, e.g. van,truck; absent means every type',
} as const;

export const statsSchema = {
  type: 'object',
  description: 'what the query cost, as ClickHouse reports it',
  required: ['rows_read', 'bytes_read', 'elapsed_ms'],
  properties: {
    rows_read: { type: 'integer', description: 'rows ClickHouse read' },
    bytes_read: { type: 'integer', description: 'uncompressed bytes ClickHouse read' },
    elapsed_ms: { type: 'number', description: 'query time as ClickHouse reports it' },
    cover_ms: { type: 'number', description: 'time the API spent computing the H3 cover of the area' },
    index: { type: 'string', enum: ['h3', 'scan'], description: 'h3: only the cover cells were read; scan: the whole period was read and tested' },
    index_note: { type: 'string', description: 'why the area was scanned rather than read by cells' },
    h3_cells: { type: 'integer', description: 'res-8 H3 cells read (0 for a scan)' },
    h3_boundary_cells: { type: 'integer', description: 'of those, the cells near an edge whose positions were tested with point-in-polygon' },
    path: {
      type: 'string',
      enum: ['rollup', 'raw'],
      description: 'rollup: whole hours and days of the interior cells came from the presence rollups, the rest from raw positions; raw: every position was read',
    },
    path_note: { type: 'string', description: 'why the raw path was taken' },
    rollup_days: { type: 'integer', description: 'whole days read from fleet.presence_daily' },
    rollup_hours: { type: 'integer', description: 'whole hours read from fleet.presence_hourly (besides those days)' },
    estimated_ms: { type: 'number', description: 'what the query was estimated to take before it ran (api.read_rows_per_second, api.rollup_rows_per_second)' },
    estimate_from: {
      type: 'string',
      enum: ['index', 'period'],
      description: 'index: estimated from what the primary indexes select (EXPLAIN ESTIMATE, listed in reads); period: even every position of the period (a bound from the parts\' metadata) fits the time budget, so the index was not asked',
    },
    reads: {
      type: 'array',
      description: 'per table, when estimate_from is index: the parts and rows its primary index selected (EXPLAIN ESTIMATE); rows_read and bytes_read are the totals actually read',
      items: {
        type: 'object',
        required: ['table', 'parts', 'rows'],
        properties: { table: { type: 'string' }, parts: { type: 'integer' }, rows: { type: 'integer' } },
      },
    },
  },
} as const;

export interface ApiStats {
  rows_read: number;
  bytes_read: number;
  elapsed_ms: number;
  cover_ms?: number;
  index?: 'h3' | 'scan';
  index_note?: string;
  h3_cells?: number;
  h3_boundary_cells?: number;
  path?: 'rollup' | 'raw';
  path_note?: string;
  rollup_days?: number;
  rollup_hours?: number;
  estimated_ms?: number;
  estimate_from?: 'index' | 'period';
  reads?: readonly { readonly table: string; readonly parts: number; readonly rows: number }[];
}
