/**
 * One registry of error codes. Each code has a message template and, where an
 * HTTP API may surface it, a status. Callers throw `new FleetlakeError(code, vars)`
 * so that logs, CLI output and API bodies carry the same code and wording.
 */
export const ERROR_CODES = {
  CONFIG_INVALID: { status: 500, template: '{detail}' },
  CONFIG_FILE_UNREADABLE: { status: 500, template: 'cannot read config file {path}: {detail}' },
  CLICKHOUSE_UNAVAILABLE: { status: 503, template: 'ClickHouse is unavailable: {detail}' },
  EMBEDDED_DATA_DIR_BUSY: { status: 500, template: '{detail}' },
  MIGRATION_CHECKSUM_MISMATCH: {
    status: 500,
    template:
      'migration {name} was already applied with checksum {applied} but the file now has checksum {current}; ' +
      'applied migrations must never be edited: revert the file and add a new migration instead',
  },
  MIGRATION_FAILED: { status: 500, template: 'migration {name} failed: {detail}' },
  MIGRATION_UNKNOWN: {
    status: 500,
    template: 'the database records migration {name}, which is not in schema/migrations: this lake is newer than this fleetlake',
  },
  USAGE: { status: 400, template: '{detail}' },
  BROKER_UNAVAILABLE: { status: 503, template: 'Kafka broker: {detail}' },
  JAVA_MISSING: { status: 500, template: '{detail}' },
  API_BAD_REQUEST: { status: 400, template: '{detail}' },
  API_INVALID_AREA: { status: 400, template: '{detail}' },
  API_TOO_MANY_VERTICES: { status: 400, template: '{field} has {vertices} vertices; at most {max} are allowed (api.max_vertices): simplify it' },
  API_INVALID_PERIOD: { status: 400, template: '{detail}' },
  API_PERIOD_TOO_LONG: { status: 400, template: 'the period {from} .. {to} spans {length}; at most {max} is allowed (api.max_period): split it' },
  API_LIMIT_TOO_HIGH: { status: 400, template: 'limit {limit} is above the cap of {max} ({setting})' },
  API_NOT_FOUND: { status: 404, template: '{detail}' },
  API_DISTRICT_NOT_FOUND: { status: 404, template: 'district {id} is not known; GET /v1/districts lists them' },
  API_QUERY_TIMEOUT: {
    status: 504,
    template: 'the {query} query ran past its time budget of {budget} (api.query_timeout) and ClickHouse cancelled it; narrow the area or the period',
  },
  API_QUERY_FAILED: { status: 502, template: 'ClickHouse failed the {query} query: {detail}' },
  API_SCHEMA_MISSING: { status: 503, template: 'the lake has no {tables}: run `fleetlake migrate` first' },
  INGEST_NO_BROKER: {
    status: 500,
    template: 'the kafka source needs a broker: set KAFKA_BROKERS (or kafka.brokers in fleetlake.yaml), or import a file with --source file:PATH',
  },
  INGEST_FILE_UNREADABLE: { status: 500, template: 'cannot read {path}: {detail}' },
  INGEST_FILE_INVALID: { status: 500, template: '{path}: {detail}' },
  INGEST_LAKE_NOT_READY: { status: 503, template: '{detail}' },
  DASHBOARD_INVALID: { status: 500, template: 'dashboard: {detail}' },
  ESTIMATE_SCENARIO_INVALID: { status: 400, template: '{detail}' },
  DEVICE_INVALID: { status: 400, template: '{detail}' },
  DEVICE_NOT_FOUND: { status: 404, template: 'device {id} is not in fleet.devices; `fleetlake devices list` shows the registered ones' },
  DEVICE_IMPORT_INVALID: { status: 400, template: '{path} line {line}: {detail}' },
  GATEWAY_PORT_BUSY: { status: 500, template: 'the {protocol} listener cannot bind {host}:{port}: {detail}; pick another with --{protocol}-port or stop what holds it' },
  CALIBRATION_INVALID: { status: 500, template: 'calibration file {path}: {detail}' },
  CALIBRATION_NO_DATA: { status: 500, template: 'cannot calibrate: {detail}' },
} as const satisfies Record<string, { status: number; template: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class FleetlakeError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly vars: Readonly<Record<string, string | number>>;

  constructor(code: ErrorCode, vars: Record<string, string | number> = {}, options?: { cause?: unknown }) {
    super(formatTemplate(ERROR_CODES[code].template, vars), options);
    this.name = 'FleetlakeError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.vars = vars;
  }
}

function formatTemplate(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in vars ? String(vars[key]) : whole));
}

export function isFleetlakeError(err: unknown, code?: ErrorCode): err is FleetlakeError {
  return err instanceof FleetlakeError && (code === undefined || err.code === code);
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
