/**
 * What a simulated fleet may be, in one place: the generator checks its
 * options against these, the CLI words its flag errors with them, and the
 * `generator` section of the configuration takes its defaults and ranges
 * from them.
 */
export const FLEET_LIMITS = {
  vehicles: { min: 1, max: 10_000_000 },
  seed: { min: 0, max: 4_294_967_295 },
  intervalMs: { min: 1000, max: 3_600_000 },
  instances: { min: 1, max: 10_000 },
  gpsNoiseM: { min: 0, max: 100 },
} as const;

export const FLEET_DEFAULTS = { vehicles: 1000, seed: 1, intervalMs: 5000, crossDistrictShare: 0.1, gpsNoiseM: 4 } as const;
