/**
 * One registry of error codes. Each code has a message template and, where an
 * HTTP API may surface it, a status. Callers throw `new FleetlakeError(code, vars)`
 * so that logs, CLI output and API bodies carry the same code and wording.
 */
export const ERROR_CODES = {
  CONFIG_INVALID: { status: 500, template: '{detail}' },
  CONFIG_FILE_UNREADABLE: { status: 500, template: 'cannot read config file {path}: {detail}' },
  CLICKHOUSE_UNAVAILABLE: {
    status: 503,
    template: 'ClickHouse is unavailable: {detail}',
    public: 'ClickHouse is unavailable; try again later (the server log has the details under this request_id)',
  },
  EMBEDDED_DATA_DIR_BUSY: { status: 500, template: '{detail}' },
  MIGRATION_CHECKSUM_MISMATCH: {
    status: 500,
    template:
      'migration {name} was already applied with checksum {applied} but the file now has checksum {current}; ' +
      'applied migrations must never be edited: revert the file and add a new migration instead',
  },
  MIGRATION_FAILED: { status: 500, template: 'migration {name} failed: {detail}' },
  MIGRATION_NOT_CLUSTERABLE: { status: 500, template: 'cannot render for a cluster: {detail}' },
  MIGRATION_UNKNOWN: {
    status: 500,
    template: 'the database records migration {name}, which is not in schema/migrations: this lake is newer than this fleetlake',
  },
  USAGE: { status: 400, template: '{detail}' },
  BROKER_UNAVAILABLE: { status: 503, template: 'Kafka broker: {detail}' },
  PERMANENT_FAILURE: {
    status: 500,
    template: '{what} failed with {cause}, which retrying cannot fix: {action}. Nothing past what was stored is committed; start again once fixed ({detail})',
  },
  JAVA_MISSING: { status: 500, template: '{detail}' },
  CHROMIUM_MISSING: { status: 500, template: '{detail}' },
  API_BAD_REQUEST: { status: 400, template: '{detail}' },
  API_INVALID_AREA: { status: 400, template: '{detail}' },
  API_TOO_MANY_VERTICES: { status: 400, template: '{field} has {vertices} vertices; at most {max} are allowed (api.max_vertices): simplify it' },
  API_INVALID_PERIOD: { status: 400, template: '{detail}' },
  API_PERIOD_TOO_LONG: { status: 400, template: 'the period {from} .. {to} spans {length}; at most {max} is allowed (api.max_period): split it' },
  API_LIMIT_TOO_HIGH: { status: 400, template: 'limit {limit} is above the cap of {max} ({setting})' },
  API_NOT_FOUND: { status: 404, template: '{detail}' },
  API_UNAUTHORIZED: { status: 401, template: '{detail}' },
  API_FORBIDDEN: { status: 403, template: 'this API key lacks the {scope} scope that {route} needs: create a key with --scopes {scope}' },
  API_ERASURE_FORBIDDEN: { status: 403, template: 'the API key {key} is restricted to {restriction}: it cannot erase vehicle {id}; use an unrestricted admin key' },
  API_FORBIDDEN_METRICS: { status: 403, template: '/metrics answers this machine only (api.metrics = loopback): scrape it locally or set api.metrics = open' },
  API_PAYLOAD_TOO_LARGE: { status: 413, template: 'the request body is larger than {max} bytes; send a smaller area (api.max_vertices bounds it)' },
  API_URI_TOO_LONG: { status: 414, template: 'a path parameter is longer than {max} characters' },
  API_UNSUPPORTED_MEDIA_TYPE: { status: 415, template: 'send the body as application/json' },
  API_NOT_ACCEPTABLE: { status: 406, template: 'this route answers in {offered}, none of which Accept: {accept} allows: accept one of them, or pick one with ?format={formats}' },
  API_RATE_LIMITED: { status: 429, template: '{detail}' },
  API_DISTRICT_NOT_FOUND: { status: 404, template: 'district {id} is not known; GET /v1/districts lists them' },
  API_QUERY_TIMEOUT: {
    status: 504,
    template: 'the {query} query ran past its time budget of {budget} (api.query_timeout) and ClickHouse cancelled it; narrow the area or the period',
  },
  API_QUERY_TOO_LARGE: {
    status: 422,
    template:
      'the {query} query would read about {rows} rows ({detail}): about {estimate} at this deployment\'s read rates ' +
      '(api.read_rows_per_second, api.rollup_rows_per_second), past its time budget of {budget} (api.query_timeout). {hint}',
  },
  API_QUERY_FAILED: {
    status: 502,
    template: 'ClickHouse failed the {query} query: {detail}',
    public: 'ClickHouse failed the {query} query (the server log has the details under this request_id)',
  },
  NAMED_QUERY_INVALID: {
    status: 500,
    template: '{file}: {detail} (docs/api.md, "Named SQL", says what a named query may hold)',
  },
  NAMED_QUERY_PARAMS: {
    status: 500,
    template: '{file} takes {{wanted}} but was given {{given}}: the route and its SQL file disagree; pass exactly the placeholders the file declares',
  },
  API_SCHEMA_MISSING: {
    status: 503,
    template: 'the lake has no {tables}: run `fleetlake migrate` first',
    public: 'the lake is missing tables this request reads: run `fleetlake migrate` first (the server log names them under this request_id)',
  },
  INGEST_NO_BROKER: {
    status: 500,
    template: 'the kafka source needs a broker: set KAFKA_BROKERS (or kafka.brokers in fleetlake.yaml), or import a file with --source file:PATH',
  },
  INGEST_CLAIM_UNREADABLE: {
    status: 503,
    template:
      'the ingest journal did not give back the claim of {batch} just written to {table}: the batch is retried; ' +
      'if this repeats, check that ClickHouse is healthy and, on a cluster, that the journal replicas are in sync (clickhouse.cluster, docs/cluster.md)',
  },
  INGEST_SOURCE_ENDED: {
    status: 500,
    template: 'positions were pushed to the in-process source after it ended: push everything before end(), or start a new ingest run for more',
  },
  INGEST_FILE_UNREADABLE: { status: 500, template: 'cannot read {path}: {detail}' },
  INGEST_FILE_INVALID: { status: 500, template: '{path}: {detail}' },
  INGEST_LAKE_NOT_READY: { status: 503, template: "the lake at {location} has no {missing}: run 'fleetlake migrate' first" },
  DASHBOARD_INVALID: { status: 500, template: 'dashboard: {detail}' },
  ESTIMATE_SCENARIO_INVALID: { status: 400, template: '{detail}' },
  DEVICE_INVALID: { status: 400, template: '{detail}' },
  DEVICE_NOT_FOUND: { status: 404, template: 'device {id} is not in fleet.devices; `fleetlake devices list` shows the registered ones' },
  DEVICE_COMMAND_NOT_FOUND: { status: 404, template: 'device {id} has no command {command}: POST /v1/devices/{id}/commands answers with the command_id to read' },
  DEVICE_FORBIDDEN: { status: 403, template: 'the API key {key} is restricted to {restriction}: it cannot {action} device {id}; use a key restricted to its vehicle\'s group, or an unrestricted one' },
  DEVICE_IMPORT_INVALID: { status: 400, template: '{path} line {line}: {detail}' },
  GATEWAY_PORT_BUSY: { status: 500, template: 'the {protocol} listener cannot bind {host}:{port}: {detail}; pick another with --{protocol}-port or stop what holds it' },
  GENERATOR_WORKER_FAILED: {
    status: 500,
    template: 'generator worker {worker} exited with code {code} and the run stopped; its error is logged above, or rerun with --workers 1 to see it in this thread',
  },
  CALIBRATION_INVALID: { status: 500, template: 'calibration file {path}: {detail}' },
  CALIBRATION_NO_DATA: { status: 500, template: 'cannot calibrate: {detail}' },
} as const satisfies Record<string, { status: number; template: string; public?: string }>;

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

  /**
   * What an API client may read: the message, or for failures whose message
   * carries server internals (ClickHouse text, addresses, table names) a
   * template without them; the full message goes to the log.
   */
  get publicMessage(): string {
    const entry: { readonly status: number; readonly public?: string } = ERROR_CODES[this.code];
    return entry.public === undefined ? this.message : formatTemplate(entry.public, this.vars);
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
