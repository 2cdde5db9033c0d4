import { VEHICLE_PROFILES, type VehicleType } from './vehicle-types.ts';

/** Share of reports sent exactly on schedule; the others are early or late by up to the jitter. */
export const ON_TIME_SHARE = 0.6;
/** Worst rounding error of one position: 6 decimals of a degree are at most 0.056 m north-south and 0.04 m east-west. */
const ROUNDING_SLACK_M = 0.2;
/** Room for the difference between our sphere maths and a checker's (float error, haversine vs projection). */
const CHECKER_SLACK = 0.995;

/** Report timing jitter: at most ±250 ms, and never more than 5% of the interval. */
export function reportJitterMs(intervalMs: number): number {
  return Math.min(250, Math.floor(intervalMs / 20));
}

export interface MotionLimits {
  /** Fastest a vehicle of this type may drive, metres per second. */
  readonly cruiseCapMps: number;
  /** Most the GPS error may move between two reports of one vehicle, metres. */
  readonly noiseStepM: number;
}

/**
 * Why no pair of consecutive positions can imply a speed above the type's maximum:
 * two reports of a vehicle are at least dtMin = interval - 2 x jitter apart, and
 * between them the vehicle drives at most cruiseCap x dt along straight streets;
 * its GPS error (a bounded random walk) moves at most noiseStep; rounding adds at
 * most 2 x 0.1 m; and the projection understates true distances by at most
 * the city's `stretch`. So the implied distance is at most
 *   stretch x (cruiseCap x dt + noiseStep + 0.2 m),
 * and choosing cruiseCap = (0.995 x max x dtMin / stretch - noiseStep - 0.2 m) / dtMin
 * keeps it below 0.995 x max x dt for every dt >= dtMin. The noise step is at
 * most a quarter of what the type covers in dtMin, so the cap stays well above
 * the speeds vehicles actually choose in city traffic.
 */
export function motionLimits(type: VehicleType, intervalMs: number, gpsNoiseM: number, stretch: number): MotionLimits {
  const dtMinS = (intervalMs - 2 * reportJitterMs(intervalMs)) / 1000;
  const maxMps = VEHICLE_PROFILES[type].maxKmh / 3.6;
  const noiseStepM = Math.min(gpsNoiseM, 0.25 * maxMps * dtMinS);
  const cruiseCapMps = ((CHECKER_SLACK * maxMps * dtMinS) / stretch - noiseStepM - ROUNDING_SLACK_M) / dtMinS;
  return { cruiseCapMps, noiseStepM };
}

