import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { CONFIG_SPEC } from '../core/config-spec.ts';
import type { Duration } from '../core/duration.ts';
import { FleetlakeError, errorMessage } from '../core/errors.ts';
import { builtInCityAreas, typicalMessageBytes } from './scenario-defaults.ts';
import { currencyField, durationField, numberField, sizeField, vehiclesField, type ScenarioField } from './scenario-fields.ts';

const ANY = Number.POSITIVE_INFINITY;
// Batching defaults are ingest's own (one home per contract): the estimate follows when they change.
const INGEST = CONFIG_SPEC.ingest;

/**
 * Every input of an estimate: the YAML key (snake_case) and its flag
 * (--kebab-case), meaning, default and allowed values. docs/estimator.md lists
 * the same table; `fleetlake estimate --help` prints it from here.
 */
export const SCENARIO_FIELDS = {
  vehicles: vehiclesField('vehicles in the fleet; a list (YAML) or comma list (flag) is a count per year of operation'),
  report_interval: durationField('time between two positions of one moving vehicle', '5s'),
  active_hours_per_day: numberField('hours a day a vehicle reports', 24, { min: 0, max: 24, minExclusive: true }),
  active_days_per_week: numberField('days a week a vehicle reports', 7, { min: 0, max: 7, minExclusive: true }),
  peak_active_share: numberField('share of the fleet reporting at the busiest moment', 1, { min: 0, max: 1, minExclusive: true, percent: true }),
  message_size: sizeField('bytes one position takes in the broker log (value + key + record overhead)', typicalMessageBytes),
  broker_replication_factor: numberField('copies of each broker partition', 3, { min: 1, max: 16, integer: true }),
  broker_retention: durationField('how long the broker keeps messages', '7d'),
  hot_period: durationField('how long positions stay on the hot disk (TTL TO VOLUME cold)', CONFIG_SPEC.retention.hot.default.text),
  retention: durationField('how long positions are kept at all (TTL DELETE)', CONFIG_SPEC.retention.delete_after.default.text),
  replicas: numberField('ClickHouse replicas holding each part (both tiers)', 1, { min: 1, max: 16, integer: true }),
  batch_rows: numberField('messages that close an ingest batch (one insert each)', INGEST.batch_rows.default, { min: 1, max: ANY, integer: true }),
  batch_bytes: sizeField('message bytes that close an ingest batch', () => INGEST.batch_bytes.default),
  batch_max_wait: durationField('longest the first message of a batch waits for the batch to close', INGEST.batch_max_wait.default.text),
  headroom: numberField('spare ingest capacity over the peak rate (0.5 = 50%)', 0.5, { min: 0, max: 100, percent: true }),
  partitions_per_process: numberField('topic partitions per ingest process (room to add consumers without repartitioning)', 2, { min: 1, max: 64, integer: true }),
  service_area_km2: numberField('area the fleet drives in, km²; unless given, the built-in city', () => builtInCityAreas().serviceAreaKm2, { min: 0, max: ANY, minExclusive: true }),
  query_area_km2: numberField('area of the typical area query, km²; unless given, the mean built-in district', () => builtInCityAreas().meanDistrictKm2, { min: 0, max: ANY, minExclusive: true }),
  target_query_seconds: numberField('cluster sizing: answer time of the typical area query over target_query_period (docs/api.md targets 300 ms for a district-hour)', 0.3, { min: 0, max: ANY, minExclusive: true }),
  target_query_period: durationField('cluster sizing: period of the typical area query', '1h'),
  node_disk_gb: numberField('cluster sizing: local disk of one ClickHouse node or broker, GB (at most 70 % filled)', 2000, { min: 0, max: ANY, minExclusive: true }),
  node_scan_rows_per_second: numberField('cluster sizing: rows/s one node reads for an area query (bench:query, docs/api.md)', 17_000_000, { min: 0, max: ANY, minExclusive: true }),
  node_insert_rows_per_second: numberField('cluster sizing: rows/s one ClickHouse node absorbs (the in-process ingest run)', 190_000, { min: 0, max: ANY, minExclusive: true }),
  broker_node_mb_per_second: numberField('cluster sizing: MB/s one broker writes, replicas included', 50, { min: 0, max: ANY, minExclusive: true }),
  currency: currencyField('currency of the unit prices (labels only, never converted)', 'USD'),
  price_hot_disk_gb_month: numberField('hot disk (SSD block storage) per GB-month', 0.08, { min: 0, max: ANY }),
  price_cold_gb_month: numberField('cold volume (object storage) per GB-month', 0.023, { min: 0, max: ANY }),
  price_broker_disk_gb_month: numberField('broker disk per GB-month', 0.08, { min: 0, max: ANY }),
  price_compute_process_month: numberField('one ingest process (about one vCPU) per month', 30, { min: 0, max: ANY }),
} as const;

type Fields = typeof SCENARIO_FIELDS;
export type ScenarioKey = keyof Fields;
export type Scenario = { readonly [K in ScenarioKey]: Fields[K] extends ScenarioField<infer T> ? T : never };

/** Raw inputs by key, and where each came from, for error messages. */
export interface ScenarioSource {
  readonly values: Readonly<Record<string, unknown>>;
  readonly where: (key: string) => string;
}

export const flagName = (key: string): string => `--${key.replaceAll('_', '-')}`;

const invalid = (detail: string) => new FleetlakeError('ESTIMATE_SCENARIO_INVALID', { detail });

/** Reads a YAML scenario file: a flat mapping of SCENARIO_FIELDS keys. */
export function readScenarioFile(path: string): ScenarioSource {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw invalid(`scenario file ${path}: ${errorMessage(err)}`);
  }
  if (parsed === null || parsed === undefined) parsed = {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid(`scenario file ${path} must be a mapping of ${Object.keys(SCENARIO_FIELDS).join(', ')}`);
  return { values: parsed as Record<string, unknown>, where: () => ` (in ${path})` };
}

/**
 * Builds a validated scenario: defaults, then the file, then flags. Unknown
 * keys, bad values and contradicting values fail naming the field.
 */
export function buildScenario(sources: readonly ScenarioSource[]): Scenario {
  for (const source of sources) {
    for (const name of Object.keys(source.values)) {
      if (!(name in SCENARIO_FIELDS)) throw invalid(`scenario: unknown field "${name}"${source.where(name)}; known fields: ${Object.keys(SCENARIO_FIELDS).join(', ')}`);
    }
  }
  const result: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(SCENARIO_FIELDS) as [ScenarioKey, ScenarioField<unknown>][]) {
    let given: { raw: unknown; where: string } | undefined;
    for (const source of sources) {
      const raw = source.values[key];
      if (raw !== undefined && raw !== null) given = { raw, where: source.where(key) };
    }
    if (!given) {
      if (!field.fallback) throw invalid(`scenario: ${key} is required (YAML key ${key}, flag ${flagName(key)}): ${field.doc}`);
      result[key] = field.fallback();
      continue;
    }
    const parsed = field.parse(given.raw);
    if (!parsed.ok) throw invalid(`scenario: ${key} = ${JSON.stringify(given.raw)}${given.where}: ${parsed.problem}`);
    result[key] = parsed.value;
  }
  const scenario = result as Scenario;
  checkCrossFieldRules(scenario);
  return scenario;
}

function checkCrossFieldRules(s: Scenario): void {
  const shorter = (a: Duration, b: Duration) => a.ms < b.ms;
  if (!shorter(s.hot_period, s.retention)) {
    throw invalid(`scenario: hot_period = ${s.hot_period.text} must be shorter than retention = ${s.retention.text}`);
  }
  const averageShare = activityShare(s);
  if (s.peak_active_share < averageShare) {
    throw invalid(
      `scenario: peak_active_share = ${s.peak_active_share} is below the average activity ${round(averageShare)} ` +
        `(active_hours_per_day / 24 × active_days_per_week / 7): the peak cannot be lower than the average`,
    );
  }
  if (s.query_area_km2 > s.service_area_km2) {
    throw invalid(`scenario: query_area_km2 = ${s.query_area_km2} is larger than service_area_km2 = ${s.service_area_km2}`);
  }
}

/** Share of the time an average vehicle reports. */
export function activityShare(s: Pick<Scenario, 'active_hours_per_day' | 'active_days_per_week'>): number {
  return (s.active_hours_per_day / 24) * (s.active_days_per_week / 7);
}

const round = (n: number) => Math.round(n * 1000) / 1000;
