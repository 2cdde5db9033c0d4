/** The vehicle classes of the simulated fleet and how each one moves. */
export const VEHICLE_TYPES = ['bike', 'car', 'van', 'truck'] as const;
export type VehicleType = (typeof VEHICLE_TYPES)[number];

export interface VehicleProfile {
  /** Hard ceiling: no reported speed and no pair of consecutive positions ever implies more. */
  readonly maxKmh: number;
  /** Typical speeds on local streets and arterials before the driver's and the traffic's factors. */
  readonly localKmh: number;
  readonly arterialKmh: number;
  /** A vehicle's own factor on those speeds (a calm or a hurried driver), drawn once. */
  readonly driverFactor: readonly [number, number];
  /** How long a delivery stop lasts, seconds. */
  readonly dwellS: readonly [number, number];
  /** How long an idle parking lasts between shifts of deliveries, minutes. */
  readonly idleMin: readonly [number, number];
  readonly deliveriesPerShift: readonly [number, number];
  /** Default share of the fleet. */
  readonly share: number;
}

export const VEHICLE_PROFILES: Readonly<Record<VehicleType, VehicleProfile>> = {
  bike: { maxKmh: 35, localKmh: 19, arterialKmh: 21, driverFactor: [0.75, 1.15], dwellS: [45, 180], idleMin: [10, 40], deliveriesPerShift: [4, 12], share: 0.15 },
  car: { maxKmh: 100, localKmh: 40, arterialKmh: 65, driverFactor: [0.85, 1.15], dwellS: [60, 480], idleMin: [15, 90], deliveriesPerShift: [2, 6], share: 0.3 },
  van: { maxKmh: 90, localKmh: 40, arterialKmh: 60, driverFactor: [0.85, 1.1], dwellS: [120, 360], idleMin: [10, 45], deliveriesPerShift: [5, 15], share: 0.4 },
  truck: { maxKmh: 80, localKmh: 35, arterialKmh: 55, driverFactor: [0.85, 1.05], dwellS: [300, 1200], idleMin: [20, 90], deliveriesPerShift: [2, 5], share: 0.15 },
};

/** Traffic slows each street a vehicle takes by a factor drawn from this range. */
export const TRAFFIC_FACTOR: readonly [number, number] = [0.75, 1];

export type FleetMix = Readonly<Record<VehicleType, number>>;

export const DEFAULT_MIX: FleetMix = Object.fromEntries(VEHICLE_TYPES.map((t) => [t, VEHICLE_PROFILES[t].share])) as Record<VehicleType, number>;

/**
 * Parses `bike:15,car:35,van:35,truck:15` (weights, normalised; missing types get 0).
 * Returns an error message instead of throwing, so the caller can name its flag or key.
 */
export function parseMix(text: string): { ok: true; mix: FleetMix } | { ok: false; message: string } {
  const mix: Record<VehicleType, number> = { bike: 0, car: 0, van: 0, truck: 0 };
  for (const part of text.split(',')) {
    const [name, weight, extra] = part.split(':').map((s) => s.trim());
    if (!(VEHICLE_TYPES as readonly string[]).includes(name ?? '') || extra !== undefined) {
      return { ok: false, message: `"${part}" is not TYPE:WEIGHT with TYPE one of ${VEHICLE_TYPES.join(', ')}` };
    }
    const w = Number(weight);
    if (weight === undefined || weight === '' || !Number.isFinite(w) || w < 0) return { ok: false, message: `the weight of ${name} must be a number of at least 0` };
    mix[name as VehicleType] = w;
  }
  return checkMix(mix);
}

/** Normalises weights to shares; at least one must be positive. */
export function checkMix(weights: Partial<Record<VehicleType, number>>): { ok: true; mix: FleetMix } | { ok: false; message: string } {
  const total = VEHICLE_TYPES.reduce((sum, t) => sum + (weights[t] ?? 0), 0);
  if (!(total > 0) || VEHICLE_TYPES.some((t) => !((weights[t] ?? 0) >= 0))) return { ok: false, message: 'weights must be at least 0 and not all 0' };
  return { ok: true, mix: Object.fromEntries(VEHICLE_TYPES.map((t) => [t, (weights[t] ?? 0) / total])) as Record<VehicleType, number> };
}
