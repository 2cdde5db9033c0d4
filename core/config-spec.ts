import { parseDuration, DURATION_HELP, type Duration } from './duration.ts';
import { TOPICS } from './names.ts';

/**
 * Every configuration key fleetlake accepts, in one place: its default, the
 * environment variable that overrides it, how it is parsed and what is allowed.
 * `fleetlake.yaml` mirrors this shape (sections and snake_case keys).
 */
export interface FieldSpec<T> {
  readonly default: T;
  readonly env?: string;
  readonly allowed: string;
  readonly doc: string;
  /** Returns the parsed value, or undefined when the input is not allowed. */
  readonly parse: (raw: unknown) => T | undefined;
}

const str = (doc: string, def: string, env?: string): FieldSpec<string> => ({
  default: def, env, doc, allowed: 'a string',
  parse: (raw) => (typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : undefined),
});

const optionalUrl = (doc: string, env: string): FieldSpec<string | undefined> => ({
  default: undefined, env, doc, allowed: 'an http:// or https:// URL, or empty for the embedded engine',
  parse: (raw) => {
    if (raw === undefined || raw === null || raw === '') return undefined;
    if (typeof raw !== 'string') return undefined;
    try {
      const url = new URL(raw);
      return url.protocol === 'http:' || url.protocol === 'https:' ? raw : undefined;
    } catch {
      return undefined;
    }
  },
});

const int = (doc: string, def: number, min: number, max: number, env?: string): FieldSpec<number> => ({
  default: def, env, doc, allowed: `a whole number from ${min} to ${max}`,
  parse: (raw) => {
    const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max ? n : undefined;
  },
});

const num = (doc: string, def: number, min: number, max: number, env?: string): FieldSpec<number> => ({
  default: def, env, doc, allowed: `a number from ${min} to ${max}`,
  parse: (raw) => {
    const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    return typeof n === 'number' && Number.isFinite(n) && n >= min && n <= max ? n : undefined;
  },
});

const duration = (doc: string, def: string, env?: string): FieldSpec<Duration> => ({
  default: parseDuration(def) as Duration, env, doc, allowed: DURATION_HELP,
  parse: (raw) => (typeof raw === 'string' ? parseDuration(raw) : undefined),
});

const brokerList = (doc: string, env: string): FieldSpec<string[]> => ({
  default: [], env, doc, allowed: 'host:port, or a comma-separated list (YAML: a list) of them',
  parse: (raw) => {
    const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : undefined;
    if (!items) return undefined;
    const brokers = items.map((b) => (typeof b === 'string' ? b.trim() : '')).filter((b) => b !== '');
    return brokers.every((b) => /^[^\s:]+:\d{1,5}$/.test(b)) ? brokers : undefined;
  },
});

const oneOf = <T extends string>(doc: string, def: T, values: readonly T[], env?: string): FieldSpec<T> => ({
  default: def, env, doc, allowed: `one of ${values.join(', ')}`,
  parse: (raw) => (typeof raw === 'string' && (values as readonly string[]).includes(raw) ? (raw as T) : undefined),
});

export const CONFIG_SPEC = {
  clickhouse: {
    url: optionalUrl('ClickHouse server HTTP URL; unset runs the embedded engine (chDB)', 'CLICKHOUSE_URL'),
    user: str('ClickHouse user (server mode)', 'default', 'CLICKHOUSE_USER'),
    password: str('ClickHouse password (server mode)', '', 'CLICKHOUSE_PASSWORD'),
    data_dir: str('data directory of the embedded engine', './data', 'FLEETLAKE_DATA_DIR'),
    request_timeout: duration('how long one ClickHouse request may take', '300s', 'CLICKHOUSE_REQUEST_TIMEOUT'),
  },
  kafka: {
    brokers: brokerList('Kafka/Redpanda bootstrap brokers; empty means no broker', 'KAFKA_BROKERS'),
    client_id: str('Kafka client id', 'fleetlake', 'KAFKA_CLIENT_ID'),
    topic: str('topic carrying positions', TOPICS.positions, 'FLEETLAKE_TOPIC'),
    dlq_topic: str('dead-letter topic for rejected positions', TOPICS.deadLetters, 'FLEETLAKE_DLQ_TOPIC'),
    partitions: int('partitions fleetlake creates the topic with when it is missing', 6, 1, 10_000, 'FLEETLAKE_TOPIC_PARTITIONS'),
  },
  retention: {
    hot: duration('how long positions stay on the hot volume before moving to cold', '30d', 'FLEETLAKE_RETENTION_HOT'),
    delete_after: duration('how long positions are kept at all', '7y', 'FLEETLAKE_RETENTION_DELETE_AFTER'),
  },
  log: {
    level: oneOf('log level', 'info', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const, 'FLEETLAKE_LOG_LEVEL'),
  },
} as const;

/** Helpers for sections declared in other files of this module. */
export const fields = { str, int, num, duration, oneOf, brokerList, optionalUrl };

type Section = Record<string, FieldSpec<unknown>>;
type SectionValues<S extends Section> = { readonly [K in keyof S]: S[K] extends FieldSpec<infer T> ? T : never };
export type FleetlakeConfig = { readonly [K in keyof typeof CONFIG_SPEC]: SectionValues<(typeof CONFIG_SPEC)[K]> };
