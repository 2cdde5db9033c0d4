import type { ResolvedFleetOptions } from './fleet-options.ts';
import { malform, MALFORMED_KINDS } from './malformed.ts';
import { createRandom, mix32 } from './prng.ts';
import type { OutgoingMessage } from './sink.ts';

/** Offline periods last 1 to 10 minutes (and at least two reports). */
const OUTAGE_MIN_MS = 60_000;
const OUTAGE_MAX_MS = 600_000;

export interface FaultCounts {
  /** Extra copies sent. */
  duplicates: number;
  /** Positions held back while their vehicle was offline and sent in a burst later. */
  late: number;
  /** Messages replaced by malformed payloads. */
  malformed: number;
}

/**
 * The delivery stage between simulated vehicles and a sink, for runs with faults:
 * late bursts (per vehicle), then duplicates, then malformed replacements over the
 * final message sequence. It draws from its own seeded stream, in delivery order,
 * so a seed reproduces the faults exactly.
 */
export interface FaultInjector {
  readonly counts: FaultCounts;
  /** Hands over vehicle v's report made at time t; appends what reaches the sink now (0, 1 or a burst of messages). */
  deliver(v: number, key: string, value: string, t: number, out: OutgoingMessage[]): void;
  /** End of the run: vehicles still offline send their backlog. */
  flush(out: OutgoingMessage[]): void;
}

export function createFaultInjector(options: ResolvedFleetOptions, vehicleCount: number): FaultInjector {
  const random = createRandom(mix32(mix32(options.seed, 0xfa017), options.instance));
  const { duplicateShare, lateShare, malformedShare, intervalMs } = options;
  const counts: FaultCounts = { duplicates: 0, late: 0, malformed: 0 };
  const offlineUntil = new Float64Array(lateShare > 0 ? vehicleCount : 0);
  const backlog = new Map<number, { key: string; values: string[] }>();
  // An outage holds back about (its length / interval) reports; starting one with this chance per on-time report makes lateShare of all reports late.
  const meanBurst = Math.max(2 * intervalMs, (OUTAGE_MIN_MS + OUTAGE_MAX_MS) / 2) / intervalMs;
  const outageChance = lateShare / (meanBurst * (1 - lateShare) + lateShare);
  let sent = 0;

  const final = (key: string, value: string, out: OutgoingMessage[]) => {
    sent++;
    // Error diffusion: after n messages the malformed count is within one of share x n, wherever the stream is cut.
    const debt = malformedShare * sent - counts.malformed;
    if (debt >= 1 || (debt > 0 && random.float() < debt)) {
      counts.malformed++;
      value = malform(value, MALFORMED_KINDS[random.int(MALFORMED_KINDS.length)]!, random);
    }
    out.push({ key, value });
  };
  const send = (key: string, value: string, out: OutgoingMessage[]) => {
    final(key, value, out);
    if (duplicateShare > 0 && random.float() < duplicateShare) {
      counts.duplicates++;
      final(key, value, out);
    }
  };
  const release = (v: number, out: OutgoingMessage[]) => {
    const held = backlog.get(v);
    if (!held) return;
    backlog.delete(v);
    for (const value of held.values) send(held.key, value, out);
  };

  return {
    counts,
    deliver(v, key, value, t, out) {
      if (lateShare > 0) {
        if (t >= offlineUntil[v]!) {
          release(v, out);
          if (random.float() < outageChance) {
            offlineUntil[v] = t + Math.max(2 * intervalMs, OUTAGE_MIN_MS + random.float() * (OUTAGE_MAX_MS - OUTAGE_MIN_MS));
            backlog.set(v, { key, values: [] });
          }
        }
        const held = backlog.get(v);
        if (held) {
          held.values.push(value);
          counts.late++;
          return;
        }
      }
      send(key, value, out);
    },
    flush(out) {
      for (const v of [...backlog.keys()]) release(v, out);
    },
  };
}
