import { createCity } from './city.ts';
import { resolveFleetOptions, type FleetOptions, type ResolvedFleetOptions } from './fleet-options.ts';
import { motionLimits, reportJitterMs, type MotionLimits } from './motion-limits.ts';
import { createRandom, mix32 } from './prng.ts';
import { buildStreetNetwork, type StreetNetwork } from './street-network.ts';
import { VEHICLE_PROFILES, VEHICLE_TYPES, type VehicleType } from './vehicle-types.ts';

/** Streets keep this much more than the GPS noise radius from the city's edge (rounding, float error). */
const MARGIN_SLACK_M = 2;

/**
 * The vehicles this generator instance simulates and what never changes about
 * them. Everything about vehicle n derives from (seed, n) alone, so splitting
 * the fleet across instances changes nothing about any vehicle.
 */
export interface Roster {
  readonly count: number;
  readonly ids: readonly string[];
  readonly type: Uint8Array;
  readonly homeDistrict: Int32Array;
  readonly homeNode: Int32Array;
  readonly driverFactor: Float64Array;
  /** Offset of the vehicle's reports within each interval, milliseconds. */
  readonly phaseMs: Int32Array;
  /** The vehicle's own seed: its random stream and its report jitter derive from it. */
  readonly seed: Uint32Array;
}

/** The city, its streets and the vehicles, ready to simulate. */
export interface FleetModel {
  readonly options: ResolvedFleetOptions;
  readonly network: StreetNetwork;
  readonly roster: Roster;
  /** Indexed like VEHICLE_TYPES. */
  readonly limits: readonly MotionLimits[];
}

const networks = new WeakMap<object, Map<number, StreetNetwork>>();

/** Street networks are cached per districts array and margin: building one is the slow part of starting. */
function streetNetworkFor(options: ResolvedFleetOptions): StreetNetwork {
  const marginM = options.gpsNoiseM + MARGIN_SLACK_M;
  let byMargin = networks.get(options.districts);
  if (!byMargin) networks.set(options.districts, (byMargin = new Map()));
  let network = byMargin.get(marginM);
  if (!network) byMargin.set(marginM, (network = buildStreetNetwork(createCity(options.districts), { marginM })));
  return network;
}

export function createFleetModel(options: ResolvedFleetOptions): FleetModel {
  const network = streetNetworkFor(options);
  const limits = VEHICLE_TYPES.map((t) => motionLimits(t, options.intervalMs, options.gpsNoiseM, network.city.stretch));
  return { options, network, roster: createRoster(options, network), limits };
}

function createRoster(options: ResolvedFleetOptions, network: StreetNetwork): Roster {
  const { vehicles, instance, instances, intervalMs, mix } = options;
  const count = Math.floor((vehicles - 1 - instance) / instances) + 1;
  const width = Math.max(5, String(vehicles - 1).length);
  const jitter = reportJitterMs(intervalMs);
  const districtWeights = network.stops.map((s) => s.length);
  const totalStops = districtWeights.reduce((a, b) => a + b, 0);
  const roster = {
    count,
    ids: new Array<string>(count),
    type: new Uint8Array(count),
    homeDistrict: new Int32Array(count),
    homeNode: new Int32Array(count),
    driverFactor: new Float64Array(count),
    phaseMs: new Int32Array(count),
    seed: new Uint32Array(count),
  };
  for (let v = 0; v < count; v++) {
    const n = instance + v * instances;
    const seed = mix32(options.seed, n);
    const random = createRandom(seed);
    const type = pick(VEHICLE_TYPES.map((t) => mix[t]), random.float());
    const home = pick(districtWeights, random.float() * totalStops);
    const stops = network.stops[home]!;
    const [lo, hi] = VEHICLE_PROFILES[VEHICLE_TYPES[type]!].driverFactor;
    roster.ids[v] = `v-${String(n).padStart(width, '0')}`;
    roster.type[v] = type;
    roster.homeDistrict[v] = home;
    roster.homeNode[v] = stops[random.int(stops.length)]!;
    roster.driverFactor[v] = lo + (hi - lo) * random.float();
    roster.phaseMs[v] = jitter + random.int(intervalMs - 2 * jitter);
    roster.seed[v] = random.uint32();
  }
  return roster;
}

/** Index of the weight that `target` (in [0, sum of weights)) falls into. */
function pick(weights: readonly number[], target: number): number {
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i]!;
    if (target < acc && weights[i]! > 0) return i;
  }
  return weights.findLastIndex((w) => w > 0);
}

export interface RosterEntry {
  readonly vehicle_id: string;
  readonly vehicle_type: VehicleType;
  readonly home_district: string;
}

/** Who is in the fleet (this instance's part of it): for tests, docs and tools that need the roster. */
export function fleetRoster(options: FleetOptions): RosterEntry[] {
  const { roster, options: resolved } = createFleetModel(resolveFleetOptions(options));
  return roster.ids.map((vehicle_id, v) => ({
    vehicle_id,
    vehicle_type: VEHICLE_TYPES[roster.type[v]!]!,
    home_district: resolved.districts[roster.homeDistrict[v]!]!.id,
  }));
}
