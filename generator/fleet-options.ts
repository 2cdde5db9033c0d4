import { Type, type Static } from '@sinclair/typebox';
import { loadDistricts, type District } from '../core/districts.ts';
import { FleetlakeError } from '../core/errors.ts';
import { FLEET_DEFAULTS, FLEET_LIMITS } from '../core/fleet-limits.ts';
import { firstProblem } from '../core/schema-text.ts';
import { checkMix, DEFAULT_MIX, type FleetMix, type VehicleType } from './vehicle-types.ts';

const share = (description: string, below1 = false) =>
  Type.Optional(Type.Number({ minimum: 0, ...(below1 ? { exclusiveMaximum: 1 } : { maximum: 1 }), description }));
const whole = (limits: { readonly min: number; readonly max: number }, description?: string) =>
  Type.Integer({ minimum: limits.min, maximum: limits.max, ...(description ? { description } : {}) });

/** Opt-in faults, so ingest can be exercised. All shares are of messages, 0 = off. */
const FAULT_OPTIONS = Type.Object({
  duplicateShare: share('Share of messages sent a second time right after the first (at-least-once delivery).'),
  lateShare: share('Share of positions delivered late: their vehicle goes offline for 1 to 10 minutes, then sends its backlog in one burst.', true),
  malformedShare: share('Share of messages replaced by a malformed payload; exact within one message at every point of the stream.'),
});

/**
 * The fleet's numeric options as a TypeBox schema: the checks of
 * resolveFleetOptions and the FleetOptions type both come from it, with the
 * limits of core/fleet-limits.ts. Districts and the mix have checks of their own.
 */
const FLEET_OPTIONS = Type.Object({
  vehicles: whole(FLEET_LIMITS.vehicles),
  seed: whole(FLEET_LIMITS.seed),
  intervalMs: Type.Optional(whole(FLEET_LIMITS.intervalMs, `How often each vehicle reports, milliseconds (default ${FLEET_DEFAULTS.intervalMs}).`)),
  instance: Type.Optional(whole({ min: 0, max: FLEET_LIMITS.instances.max - 1 }, "This generator's part of the fleet: vehicles whose number modulo `instances` is `instance`.")),
  instances: Type.Optional(whole(FLEET_LIMITS.instances)),
  crossDistrictShare: share(`Share of trips whose destination lies outside the vehicle's home district (default ${FLEET_DEFAULTS.crossDistrictShare}).`),
  gpsNoiseM: Type.Optional(
    Type.Number({ minimum: FLEET_LIMITS.gpsNoiseM.min, maximum: FLEET_LIMITS.gpsNoiseM.max, unit: 'metres', description: `Radius of the GPS error around the true position (default ${FLEET_DEFAULTS.gpsNoiseM}).` }),
  ),
  faults: Type.Optional(FAULT_OPTIONS),
});

export type FaultOptions = Readonly<Static<typeof FAULT_OPTIONS>>;

export type FleetOptions = Readonly<Omit<Static<typeof FLEET_OPTIONS>, 'faults'>> & {
  readonly faults?: FaultOptions;
  /** The city; default the built-in Montréal districts (core/districts/montreal.geojson). */
  readonly districts?: readonly District[];
  /** Relative weights of vehicle types (default bike 15, car 30, van 40, truck 15). */
  readonly mix?: Partial<Record<VehicleType, number>>;
};

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

/** Fills defaults and checks every option; a bad one fails with USAGE naming the option, what is allowed and what was given. */
export function resolveFleetOptions(options: FleetOptions): ResolvedFleetOptions {
  const problem = firstProblem(FLEET_OPTIONS, options);
  if (problem) throw bad(`${problem.path} must be ${problem.allowed}, not ${String(problem.given)}`);
  const instances = options.instances ?? 1;
  const instance = options.instance ?? 0;
  if (instance >= instances) throw bad(`instance must be a whole number from 0 to ${instances - 1}, not ${instance}`);
  const mix = checkMix(options.mix ?? DEFAULT_MIX);
  if (!mix.ok) throw bad(`mix: ${mix.message}`);
  const districts = options.districts ?? defaultDistricts();
  if (districts.length === 0) throw bad('districts must not be empty');
  return {
    vehicles: options.vehicles,
    seed: options.seed,
    intervalMs: options.intervalMs ?? FLEET_DEFAULTS.intervalMs,
    districts,
    instance,
    instances,
    crossDistrictShare: options.crossDistrictShare ?? FLEET_DEFAULTS.crossDistrictShare,
    gpsNoiseM: options.gpsNoiseM ?? FLEET_DEFAULTS.gpsNoiseM,
    mix: mix.mix,
    duplicateShare: options.faults?.duplicateShare ?? 0,
    lateShare: options.faults?.lateShare ?? 0,
    malformedShare: options.faults?.malformedShare ?? 0,
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
