import { usageError } from '../cli/args.ts';
import type { FleetlakeConfig } from '../core/config.ts';
import { loadDistricts } from '../core/districts.ts';
import { parseDuration } from '../core/duration.ts';
import { FLEET_LIMITS } from '../core/fleet-limits.ts';
import type { FleetOptions } from './fleet-options.ts';
import type { Schedule } from './run.ts';
import { KAFKA_COMPRESSIONS, type KafkaCompression } from '../core/kafka-codecs.ts';
import { parseSinkSpec, SINK_SPEC_HELP, type SinkSpec } from './sinks/open-sink.ts';
import { parseMix } from './vehicle-types.ts';

/** The flags of `fleetlake generate`, for util.parseArgs; all strings, so every value is checked here with an error naming its flag. */
export const GENERATE_FLAGS = {
  vehicles: { type: 'string' },
  interval: { type: 'string' },
  duration: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  seed: { type: 'string' },
  sink: { type: 'string' },
  districts: { type: 'string' },
  instance: { type: 'string' },
  instances: { type: 'string' },
  'cross-district-share': { type: 'string' },
  'gps-noise-m': { type: 'string' },
  mix: { type: 'string' },
  'duplicate-share': { type: 'string' },
  'late-share': { type: 'string' },
  'malformed-share': { type: 'string' },
  'batch-size': { type: 'string' },
  compression: { type: 'string' },
  'records-per-packet': { type: 'string' },
  'ack-timeout': { type: 'string' },
  'devices-csv': { type: 'string' },
  workers: { type: 'string' },
} as const;

export type GenerateFlagValues = { readonly [K in keyof typeof GENERATE_FLAGS]?: string };

export interface GenerateCommandOptions {
  readonly fleet: FleetOptions;
  readonly schedule: Schedule;
  readonly sink: SinkSpec;
  readonly batchSize: number;
  readonly compression: KafkaCompression;
  /** Device sinks: most records per Teltonika packet (1..255) and how long a packet waits for its ACK. */
  readonly device: { readonly maxRecordsPerPacket: number; readonly ackTimeoutMs: number };
  /** Write the registry rows of the simulated devices to this CSV file and stop (device sinks). */
  readonly devicesCsv?: string;
  /** Worker threads (null and kafka sinks only). */
  readonly workers: number;
}

/** More threads than this only queue for the same cores. */
const MAX_WORKERS = 64;

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** Epoch ms of an ISO 8601 date or date-time with an offset; NaN for anything else, including impossible dates (Date.parse accepts 2026-11-31). */
function parseTime(text: string): number {
  const m = TIMESTAMP.exec(text);
  if (!m) return Number.NaN;
  const [year, month, day, hour, minute, second] = m.slice(1).map((part) => (part === undefined ? 0 : Number(part))) as number[];
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysInMonth || hour! > 23 || minute! > 59 || second! > 59) return Number.NaN;
  return Date.parse(text);
}

/** Flags win over the config's `generator` section, which wins over defaults. */
export function parseGenerateFlags(flags: GenerateFlagValues, config: Pick<FleetlakeConfig, 'generator'>): GenerateCommandOptions {
  const bad = (message: string) => usageError('generate', message);
  const whole = (flag: string, raw: string | undefined, fallback: number, min: number, max: number): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max) throw bad(`--${flag} must be a whole number from ${min} to ${max}, not "${raw}"`);
    return n;
  };
  const number = (flag: string, raw: string | undefined, fallback: number, min: number, max: number, maxText = String(max)): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw bad(`--${flag} must be a number from ${min} to ${maxText}, not "${raw}"`);
    return n;
  };
  const duration = (flag: string, raw: string): number => {
    const d = parseDuration(raw);
    if (!d || d.ms <= 0 || !Number.isInteger(d.ms)) throw bad(`--${flag} must be a duration such as 30s, 10m, 2h or 7d, not "${raw}"`);
    return d.ms;
  };
  const time = (flag: string, raw: string): number => {
    const ms = parseTime(raw);
    if (!Number.isFinite(ms)) throw bad(`--${flag} must be an ISO 8601 time such as 2026-11-02T08:00:00Z, not "${raw}"`);
    return ms;
  };
  const g = config.generator;

  const intervalMs = flags.interval === undefined ? g.interval.ms : duration('interval', flags.interval);
  const { min: minInterval, max: maxInterval } = FLEET_LIMITS.intervalMs;
  if (intervalMs < minInterval || intervalMs > maxInterval || !Number.isInteger(intervalMs)) {
    throw bad(`${flags.interval === undefined ? `generator.interval (${g.interval.text})` : `--interval ${flags.interval}`} must be from 1s to 1h in whole milliseconds`);
  }
  const instances = whole('instances', flags.instances, 1, FLEET_LIMITS.instances.min, FLEET_LIMITS.instances.max);
  const instance = whole('instance', flags.instance, 0, 0, FLEET_LIMITS.instances.max);
  if (instance >= instances) throw bad(`--instance ${instance} must be below --instances ${instances} (instances are numbered from 0)`);
  const mixText = flags.mix;
  const mix = mixText === undefined ? undefined : parseMix(mixText);
  if (mix && !mix.ok) throw bad(`--mix: ${mix.message} (e.g. bike:15,car:30,van:40,truck:15)`);
  const sinkText = flags.sink ?? g.sink;
  const sink = parseSinkSpec(sinkText);
  if (!sink) throw bad(`${flags.sink === undefined ? 'generator.sink' : '--sink'} must be ${SINK_SPEC_HELP}, not "${sinkText}"`);
  const compression = flags.compression ?? g.compression;
  if (!isKafkaCompression(compression)) throw bad(`--compression must be one of ${KAFKA_COMPRESSIONS.join(', ')}, not "${compression}"`);
  const districtsFile = flags.districts ?? g.districts;
  const workers = whole('workers', flags.workers, 1, 1, MAX_WORKERS);
  if (workers > 1 && sink.kind !== 'null' && sink.kind !== 'kafka') {
    const why =
      sink.kind === 'device'
        ? "a device sink keeps each tracker's connection in this thread; split a large simulated fleet between processes with --instances"
        : `into ${sink.kind === 'file' ? 'a file' : 'stdout'}, lines of several workers would interleave and the stream would no longer be the same byte for byte`;
    throw bad(`--workers ${workers} needs --sink null or kafka: ${why}`);
  }

  return {
    fleet: {
      vehicles: whole('vehicles', flags.vehicles, g.vehicles, FLEET_LIMITS.vehicles.min, FLEET_LIMITS.vehicles.max),
      seed: whole('seed', flags.seed, g.seed, FLEET_LIMITS.seed.min, FLEET_LIMITS.seed.max),
      intervalMs,
      districts: districtsFile ? loadDistricts(districtsFile) : undefined,
      instance,
      instances,
      crossDistrictShare: number('cross-district-share', flags['cross-district-share'], g.cross_district_share, 0, 1),
      gpsNoiseM: number('gps-noise-m', flags['gps-noise-m'], g.gps_noise_m, FLEET_LIMITS.gpsNoiseM.min, FLEET_LIMITS.gpsNoiseM.max),
      mix: mix?.ok ? mix.mix : undefined,
      faults: {
        duplicateShare: number('duplicate-share', flags['duplicate-share'], 0, 0, 1),
        lateShare: number('late-share', flags['late-share'], 0, 0, 0.99, '0.99'),
        malformedShare: number('malformed-share', flags['malformed-share'], 0, 0, 1),
      },
    },
    schedule: parseSchedule(flags, { duration, time, bad }),
    sink,
    batchSize: whole('batch-size', flags['batch-size'], 10_000, 1, 1_000_000),
    compression,
    workers,
    device: deviceBehaviour(flags, sink, { duration, whole, bad }),
    devicesCsv: flags['devices-csv'],
  };
}

function deviceBehaviour(
  flags: GenerateFlagValues,
  sink: SinkSpec,
  p: { duration: (flag: string, raw: string) => number; whole: (flag: string, raw: string | undefined, fallback: number, min: number, max: number) => number; bad: (message: string) => Error },
): GenerateCommandOptions['device'] {
  for (const flag of ['records-per-packet', 'ack-timeout', 'devices-csv'] as const) {
    if (flags[flag] !== undefined && sink.kind !== 'device') throw p.bad(`--${flag} only applies to a device sink (teltonika://, gt06://, osmand://)`);
  }
  return {
    maxRecordsPerPacket: p.whole('records-per-packet', flags['records-per-packet'], 1, 1, 255),
    ackTimeoutMs: flags['ack-timeout'] === undefined ? 5000 : p.duration('ack-timeout', flags['ack-timeout']),
  };
}

function parseSchedule(
  flags: GenerateFlagValues,
  p: { duration: (flag: string, raw: string) => number; time: (flag: string, raw: string) => number; bad: (message: string) => Error },
): Schedule {
  const { from, to, duration } = flags;
  if (from === undefined) {
    if (to !== undefined) throw p.bad('--to needs --from (a backfill covers --from .. --to)');
    return duration === undefined ? { kind: 'live' } : { kind: 'live', durationMs: p.duration('duration', duration) };
  }
  const fromMs = p.time('from', from);
  if (to !== undefined && duration !== undefined) throw p.bad('give --to or --duration with --from, not both');
  if (to === undefined && duration === undefined) throw p.bad('--from needs --to or --duration (the end of the backfill)');
  const toMs = to !== undefined ? p.time('to', to) : fromMs + p.duration('duration', duration!);
  if (toMs <= fromMs) throw p.bad(`--to ${to} must be after --from ${from}`);
  return { kind: 'backfill', fromMs, toMs };
}

function isKafkaCompression(name: string): name is KafkaCompression {
  return (KAFKA_COMPRESSIONS as readonly string[]).includes(name);
}
