import { createFaultInjector, type FaultInjector } from './faults.ts';
import { checkBackfillPeriod, resolveFleetOptions, type FleetOptions } from './fleet-options.ts';
import { ON_TIME_SHARE, reportJitterMs } from './motion-limits.ts';
import { createFleetMotion } from './motion.ts';
import { mix32, toUnit } from './prng.ts';
import { createFleetModel } from './roster.ts';
import type { OutgoingMessage } from './sink.ts';
import { VEHICLE_TYPES } from './vehicle-types.ts';
import { createWireEncoder, wirePrefix } from './wire.ts';

export interface FleetStats {
  /** Reports the vehicles made (before faults). */
  readonly positions: number;
  /** Messages handed out (after faults: duplicates added, malformed ones included). */
  readonly messages: number;
  readonly duplicates: number;
  readonly late: number;
  readonly malformed: number;
  readonly trips: number;
  /** Trips whose destination lies outside the vehicle's home district. */
  readonly crossDistrictTrips: number;
}

/**
 * The fleet on a simulated clock. Time is cut into windows of one interval;
 * every vehicle reports once per window at its own phase plus a little jitter,
 * and a window's reports are put in time order (a counting sort on whole
 * milliseconds), so messages come out in event-time order (apart from the
 * injected faults) and the pacing of a live run is just "emit what is due".
 */
export interface FleetEngine {
  readonly fromMs: number;
  /** Exclusive end of the simulated period; Infinity for an open-ended live run. */
  readonly toMs: number;
  /**
   * Appends up to `max` messages due at or before `untilMs` (a late burst may
   * overshoot `max`) and returns how many it appended. Synchronous.
   */
  fill(out: OutgoingMessage[], max: number, untilMs: number): number;
  /** When the next message is due; Infinity once everything is out. */
  nextDueMs(): number;
  /** Event time of the latest report made. */
  readonly reachedMs: number;
  stats(): FleetStats;
}

export function createFleetEngine(fleet: FleetOptions, fromMs: number, toMs: number): FleetEngine {
  checkBackfillPeriod(fromMs, toMs);
  const options = resolveFleetOptions(fleet);
  const model = createFleetModel(options);
  const { roster } = model;
  const count = roster.count;
  const interval = options.intervalMs;
  const jitterMs = reportJitterMs(interval);
  const motion = createFleetMotion(model, fromMs);
  const encoder = createWireEncoder(VEHICLE_TYPES);
  const prefixes = roster.ids.map(wirePrefix);
  const faults: FaultInjector | undefined =
    options.duplicateShare > 0 || options.lateShare > 0 || options.malformedShare > 0 ? createFaultInjector(options, count) : undefined;

  // This window's reports in time order (then vehicle order): a counting sort on the whole-ms offset.
  const offsets = new Int32Array(count);
  const order = new Int32Array(count);
  const buckets = new Int32Array(interval + 1);
  let window = -1;
  let windowStart = fromMs - interval;
  let due = 0;
  let cursor = 0;
  let flushed = faults === undefined;
  let positions = 0;
  let messages = 0;
  let reachedMs = fromMs;

  const nextWindow = (): boolean => {
    if (windowStart + interval >= toMs || count === 0) return false;
    window++;
    windowStart += interval;
    buckets.fill(0);
    const limit = toMs - windowStart;
    for (let v = 0; v < count; v++) {
      const offset = roster.phaseMs[v]! + jitter(roster.seed[v]!, window, jitterMs);
      offsets[v] = offset;
      if (offset < limit) buckets[offset + 1]!++;
    }
    for (let i = 1; i <= interval; i++) buckets[i]! += buckets[i - 1]!;
    due = 0;
    for (let v = 0; v < count; v++) {
      const offset = offsets[v]!;
      if (offset < limit) {
        order[buckets[offset]!++] = v;
        due++;
      }
    }
    cursor = 0;
    return true;
  };

  return {
    fromMs,
    toMs,
    get reachedMs() {
      return reachedMs;
    },
    fill(out, max, untilMs) {
      const start = out.length;
      while (out.length - start < max) {
        if (cursor >= due) {
          if (nextWindow()) continue;
          if (!flushed && untilMs >= toMs) {
            faults!.flush(out);
            flushed = true;
          }
          break;
        }
        const v = order[cursor]!;
        const t = windowStart + offsets[v]!;
        if (t > untilMs) break;
        cursor++;
        motion.report(v, t);
        const value = encoder.encode(prefixes[v]!, t, motion.latMicro, motion.lonMicro, motion.speedTenths, motion.headingDeg, roster.type[v]!);
        positions++;
        reachedMs = t;
        if (faults) faults.deliver(v, roster.ids[v]!, value, t, out);
        else out.push({ key: roster.ids[v]!, value });
      }
      messages += out.length - start;
      return out.length - start;
    },
    nextDueMs() {
      while (cursor >= due) {
        if (!nextWindow()) return flushed ? Infinity : toMs;
      }
      return windowStart + offsets[order[cursor]!]!;
    },
    stats: () => ({
      positions,
      messages,
      duplicates: faults?.counts.duplicates ?? 0,
      late: faults?.counts.late ?? 0,
      malformed: faults?.counts.malformed ?? 0,
      trips: motion.trips,
      crossDistrictTrips: motion.crossDistrictTrips,
    }),
  };
}

/** Report jitter of one vehicle in one window: on time with ON_TIME_SHARE, else uniform in ±jitterMs (whole ms). */
function jitter(vehicleSeed: number, window: number, jitterMs: number): number {
  const h = mix32(vehicleSeed, window);
  if (toUnit(h) < ON_TIME_SHARE || jitterMs === 0) return 0;
  return (mix32(h, 0x71e) % (2 * jitterMs + 1)) - jitterMs;
}
