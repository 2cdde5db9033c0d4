/**
 * Whether a failure of ClickHouse or of the broker passes by itself
 * (transient: retry with back-off) or needs a person (permanent: stop and say
 * why). One place decides it for ingest and the API alike.
 *
 * What neither list knows is `unknown`. Ingest retries it: stopping on an
 * outage that would have passed loses more than retrying a fault that will
 * not. The API answers it as a failed query rather than as an outage.
 */
export type FailureKind = 'transient' | 'permanent' | 'unknown';

export interface ClassifiedFailure {
  readonly kind: FailureKind;
  readonly system: 'clickhouse' | 'kafka' | 'other';
  /** The server's name for it, e.g. `ClickHouse 60 UNKNOWN_TABLE` or `Kafka TOPIC_AUTHORIZATION_FAILED`. */
  readonly cause: string;
  /** What a person should do, for permanent failures. */
  readonly action?: string;
}

export interface ClickHouseFailure {
  readonly code: string;
  readonly type?: string;
  readonly message: string;
}

/** ClickHouse codes that retrying cannot fix, with what to do about them. */
const PERMANENT_CLICKHOUSE: Readonly<Record<string, string>> = {
  '60': 'a table is missing: run `fleetlake migrate`', // UNKNOWN_TABLE
  '81': 'the database is missing: run `fleetlake migrate`', // UNKNOWN_DATABASE
  '16': 'a column is missing: run `fleetlake migrate`', // NO_SUCH_COLUMN_IN_TABLE
  '47': 'a column is missing: run `fleetlake migrate`', // UNKNOWN_IDENTIFIER
  '192': 'check clickhouse.user', // UNKNOWN_USER
  '193': 'check clickhouse.password', // WRONG_PASSWORD
  '516': 'check clickhouse.user and clickhouse.password', // AUTHENTICATION_FAILED
  '497': 'grant the user what it needs (see schema/clickhouse/users.d)', // ACCESS_DENIED
  '164': 'the user is read-only: give ingest a user that may insert', // READONLY
  '53': 'the table does not have the columns this fleetlake writes: run `fleetlake migrate`', // TYPE_MISMATCH
  '20': 'the table does not have the columns this fleetlake writes: run `fleetlake migrate`', // NUMBER_OF_COLUMNS_DOESNT_MATCH
  '62': 'a query is malformed: report it as a bug', // SYNTAX_ERROR
  '46': 'this ClickHouse lacks a function fleetlake needs: upgrade it', // UNKNOWN_FUNCTION
  '115': 'this ClickHouse lacks a setting fleetlake uses: upgrade it', // UNKNOWN_SETTING
};

/** ClickHouse codes of a server that is busy, restarting or out of reach for a while. */
const TRANSIENT_CLICKHOUSE = new Set([
  '3', // UNEXPECTED_END_OF_FILE
  '32', // ATTEMPT_TO_READ_AFTER_EOF
  '173', // CANNOT_ALLOCATE_MEMORY
  '202', // TOO_MANY_SIMULTANEOUS_QUERIES
  '203', // NO_FREE_CONNECTION
  '209', // SOCKET_TIMEOUT
  '210', // NETWORK_ERROR
  '236', // ABORTED
  '241', // MEMORY_LIMIT_EXCEEDED
  '242', // TABLE_IS_READ_ONLY (a replica that lost Keeper)
  '252', // TOO_MANY_PARTS
  '279', // ALL_CONNECTION_TRIES_FAILED
  '319', // UNKNOWN_STATUS_OF_INSERT
  '394', // QUERY_WAS_CANCELLED
  '425', // SYSTEM_ERROR
  '439', // CANNOT_SCHEDULE_TASK
  '999', // KEEPER_EXCEPTION
]);

/**
 * Reads the server's code from an error, by shape rather than class: the
 * embedded connection throws client-common's ClickHouseError, a different
 * module identity from the one @clickhouse/client exports.
 */
export function clickHouseFailure(err: unknown): ClickHouseFailure | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, type, message } = err as { code?: unknown; type?: unknown; message?: unknown };
  if (typeof code === 'string' && /^\d+$/.test(code)) {
    return { code, type: typeof type === 'string' ? type : undefined, message: typeof message === 'string' ? message : String(err) };
  }
  return undefined;
}

/** Parses "Code: 159. DB::Exception: ... (TIMEOUT_EXCEEDED) (version ...)" from an exception line. */
export function parseExceptionText(text: string): ClickHouseFailure {
  const match = /Code:\s*(\d+)\.\s*(?:DB::Exception:\s*)?([\s\S]*?)(?:\s*\(([A-Z_]+)\))?(?:\s*\(version [^)]*\))?\s*$/.exec(text);
  if (!match) return { code: '0', message: text };
  return { code: match[1]!, type: match[3], message: match[2]!.trim() };
}

/** Kafka protocol errors that retrying cannot fix; kafkajs marks rebalance errors non-retriable too, and those pass. */
const PERMANENT_KAFKA: Readonly<Record<string, string>> = {
  TOPIC_AUTHORIZATION_FAILED: 'grant this client access to the topic',
  GROUP_AUTHORIZATION_FAILED: 'grant this client access to the consumer group',
  CLUSTER_AUTHORIZATION_FAILED: 'grant this client access to the cluster',
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 'grant this client its transactional id',
  SASL_AUTHENTICATION_FAILED: 'check the broker credentials',
  ILLEGAL_SASL_STATE: 'check the broker authentication settings',
  UNSUPPORTED_SASL_MECHANISM: 'check the broker authentication settings',
  UNSUPPORTED_VERSION: 'this broker does not speak the protocol versions the client needs',
  INVALID_TOPIC_EXCEPTION: 'check kafka.topic and kafka.dlq_topic',
  MESSAGE_TOO_LARGE: "raise the topic's max.message.bytes",
  RECORD_LIST_TOO_LARGE: "raise the topic's max.message.bytes",
  INVALID_REQUIRED_ACKS: 'report it as a bug',
  POLICY_VIOLATION: "the broker's topic policy refuses what fleetlake creates",
};

/** kafkajs errors whose name alone says retrying cannot help. */
const PERMANENT_KAFKAJS_NAMES: Readonly<Record<string, string>> = {
  KafkaJSSASLAuthenticationError: 'check the broker credentials',
  KafkaJSServerDoesNotSupportApiKey: 'this broker does not speak the protocol versions the client needs',
  // core/kafka-codecs.ts: bytes the broker accepted that this client cannot decompress.
  KafkaJSUndecodableBatch: 'the batch stays in the topic; report the codec and the detail as a bug',
  KafkaJSNotImplemented: 'the batch stays in the topic; this client lacks what it needs to read it',
};

export function classifyFailure(err: unknown): ClassifiedFailure {
  const clickhouse = clickHouseFailure(err) ?? clickHouseFailureInText(err);
  if (clickhouse) {
    const cause = `ClickHouse ${clickhouse.code}${clickhouse.type ? ` ${clickhouse.type}` : ''}`;
    const action = PERMANENT_CLICKHOUSE[clickhouse.code];
    if (action) return { kind: 'permanent', system: 'clickhouse', cause, action };
    return { kind: TRANSIENT_CLICKHOUSE.has(clickhouse.code) ? 'transient' : 'unknown', system: 'clickhouse', cause };
  }
  const kafka = kafkaFailure(err);
  if (kafka) return kafka;
  // No server code: the request did not get an answer (refused, reset, timed out), which passes when the server is back.
  return { kind: 'transient', system: 'other', cause: err instanceof Error ? `${err.name}${networkCode(err)}` : typeof err };
}

/** The HTTP interface of some servers answers with the exception as the text of a plain error. */
function clickHouseFailureInText(err: unknown): ClickHouseFailure | undefined {
  const message = err instanceof Error ? err.message : undefined;
  return message && /^Code:\s*\d+\./.test(message) ? parseExceptionText(message) : undefined;
}

function kafkaFailure(err: unknown): ClassifiedFailure | undefined {
  // kafkajs wraps the last failure of a request it retried in KafkaJSNumberOfRetriesExceeded: the cause decides.
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (!e.name.startsWith('KafkaJS')) continue;
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string' && type in PERMANENT_KAFKA) return { kind: 'permanent', system: 'kafka', cause: `Kafka ${type}`, action: PERMANENT_KAFKA[type] };
    const byName = PERMANENT_KAFKAJS_NAMES[e.name];
    if (byName) return { kind: 'permanent', system: 'kafka', cause: e.name, action: byName };
    if (e.cause === undefined) {
      const retriable = (e as { retriable?: unknown }).retriable;
      return { kind: retriable === true ? 'transient' : 'unknown', system: 'kafka', cause: typeof type === 'string' ? `Kafka ${type}` : e.name };
    }
  }
  return undefined;
}

function networkCode(err: Error): string {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? ` ${code}` : '';
}
