import { loadDistricts, type District } from '../core/districts.ts';
import { FleetlakeError } from '../core/errors.ts';
import { FLEET_DEFAULTS, FLEET_LIMITS } from '../core/fleet-limits.ts';
import { checkMix, DEFAULT_MIX, type FleetMix, type VehicleType } from './vehicle-types.ts';

/** Opt-in faults, so ingest can be exercised. All shares are of messages, 0 = off. */
export interface FaultOptions {
  /** Share of messages sent a second time right after the first (at-least-once delivery). */
  readonly duplicateShare?: number;
  /** Share of positions delivered late: their vehicle goes offline for 1 to 10 minutes, then sends its backlog in one burst. */
  readonly lateShare?: number;
  /** Share of messages replaced by a malformed payload; exact within one message at every point of the stream. */
  readonly malformedShare?: number;
}

export interface FleetOptions {
  readonly vehicles: number;
  readonly seed: number;
  /** How often each vehicle reports, milliseconds (default 5000). */
  readonly intervalMs?: number;
  /** The city; default the built-in Montréal districts (core/districts/montreal.geojson). */
  readonly districts?: readonly District[];
  /** This generator's part of the fleet: vehicles whose number modulo `instances` is `instance`. */
  readonly instance?: number;
  readonly instances?: number;
  /** Share of trips whose destination lies outside the vehicle's home district (default 0.1). */
  readonly crossDistrictShare?: number;
  /** Radius of the GPS error around the true position, metres (default 4). */
  readonly gpsNoiseM?: number;
  /** Relative weights of vehicle types (default bike 15, car 30, van 40, truck 15). */
  readonly mix?: Partial<Record<VehicleType, number>>;
  readonly faults?: FaultOptions;
}

export interface BackfillOptions extends FleetOptions {
  /** First report time, ms since the epoch (inclusive). */
  readonly fromMs: number;
  /** End of the simulated period (exclusive). */
  readonly toMs: number;
}

export interface ResolvedFleetOptions {
  readonly vehicles: number;
  readonly seed: number;
  readonly intervalMs: number;
  readonly districts: readonly District[];
  readonly instance: number;
  readonly instances: number;
  readonly crossDistrictShare: number;
  readonly gpsNoiseM: number;
  readonly mix: FleetMix;
  readonly duplicateShare: number;
  readonly lateShare: number;
  readonly malformedShare: number;
}

let builtInDistricts: readonly District[] | undefined;

/** The built-in districts, read once per process. */
export function defaultDistricts(): readonly District[] {
  builtInDistricts ??= loadDistricts();
  return builtInDistricts;
}

/** Fills defaults and checks every option; a bad one fails with USAGE naming the option. */
export function resolveFleetOptions(options: FleetOptions): ResolvedFleetOptions {
  const whole = (name: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) throw bad(`${name} must be a whole number from ${min} to ${max}, not ${value}`);
    return value;
  };
  const share = (name: string, value: number, below1 = false) => {
    if (!Number.isFinite(value) || value < 0 || value > 1 || (below1 && value === 1)) throw bad(`${name} must be a number from 0 to ${below1 ? 'below ' : ''}1, not ${value}`);
    return value;
  };
  const { vehicles, seed, intervalMs, instances, gpsNoiseM } = FLEET_LIMITS;
  const instanceCount = whole('instances', options.instances ?? 1, instances.min, instances.max);
  const mix = checkMix(options.mix ?? DEFAULT_MIX);
  if (!mix.ok) throw bad(`mix: ${mix.message}`);
  const noise = options.gpsNoiseM ?? FLEET_DEFAULTS.gpsNoiseM;
  if (!Number.isFinite(noise) || noise < gpsNoiseM.min || noise > gpsNoiseM.max) throw bad(`gpsNoiseM must be from ${gpsNoiseM.min} to ${gpsNoiseM.max} metres, not ${noise}`);
  const districts = options.districts ?? defaultDistricts();
  if (districts.length === 0) throw bad('districts must not be empty');
  return {
    vehicles: whole('vehicles', options.vehicles, vehicles.min, vehicles.max),
    seed: whole('seed', options.seed, seed.min, seed.max),
    intervalMs: whole('intervalMs', options.intervalMs ?? FLEET_DEFAULTS.intervalMs, intervalMs.min, intervalMs.max),
    districts,
    instance: whole('instance', options.instance ?? 0, 0, instanceCount - 1),
    instances: instanceCount,
    crossDistrictShare: share('crossDistrictShare', options.crossDistrictShare ?? FLEET_DEFAULTS.crossDistrictShare),
    gpsNoiseM: noise,
    mix: mix.mix,
    duplicateShare: share('faults.duplicateShare', options.faults?.duplicateShare ?? 0),
    lateShare: share('faults.lateShare', options.faults?.lateShare ?? 0, true),
    malformedShare: share('faults.malformedShare', options.faults?.malformedShare ?? 0),
  };
}

/** Checks a backfill period given in milliseconds (the API checks request periods with queries/time-range.ts). */
export function checkBackfillPeriod(fromMs: number, toMs: number): void {
  if (!Number.isInteger(fromMs)) throw bad(`fromMs must be a whole number of milliseconds, not ${fromMs}`);
  if (!(toMs > fromMs)) throw bad(`toMs (${toMs}) must be after fromMs (${fromMs})`);
}

function bad(detail: string): FleetlakeError {
  return new FleetlakeError('USAGE', { detail: `generator: ${detail}` });
}
