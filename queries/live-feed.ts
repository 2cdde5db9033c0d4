import { errorMessage } from '../core/errors.ts';
import { dateTimeParam, numberParam, rfc3339FromClickHouse, stringArrayParam, type ParamValues } from './param-text.ts';
import type { QueryRunner } from './query-runner.ts';
import { WORLD } from './request-checks.ts';
import type { TrackRow } from './track-feature.ts';

/** One vehicle's last known position, as GET /v1/vehicles/latest gives it. */
export type LivePosition = TrackRow & { readonly vehicle_id: string };

/** `snapshot`: every vehicle (first event of a subscription); `changes`: vehicles whose last position moved on; `error`: a read failed, the feed keeps trying. */
export type LiveEvent =
  | { readonly kind: 'snapshot' | 'changes'; readonly positions: readonly LivePosition[] }
  | { readonly kind: 'error'; readonly message: string };

export interface LiveFeed {
  /** The listener gets a snapshot as soon as one is known, then changes; returns the unsubscribe. */
  subscribe(listener: (event: LiveEvent) => void): () => void;
  /** Asks for a read now (ingest calls it after a committed batch); reads already running are not doubled. */
  poke(): void;
  /** Stops reading; subscribers get nothing more. */
  close(): void;
}

export interface LiveFeedOptions {
  readonly queries: Pick<QueryRunner, 'all'>;
  readonly intervalMs: number;
  readonly maxVehicles: number;
  /** The key's restriction as SQL parameters (queries/auth/restriction.ts): the feed reads only what it may see. */
  readonly restriction: ParamValues;
}

/**
 * fleet.latest_positions as a stream of changes. It is read whole and
 * compared with the previous read, vehicle by vehicle, because a position
 * arriving late carries an older ts than others already seen: a "ts > last
 * read" filter would drop it. The table holds one row per vehicle, so a whole
 * read stays small. Reads happen only while someone listens.
 */
export function createLiveFeed(options: LiveFeedOptions): LiveFeed {
  const listeners = new Set<(event: LiveEvent) => void>();
  let known: Map<string, LivePosition> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let reading = false;
  let again = false;
  let closed = false;

  const emit = (event: LiveEvent) => {
    for (const listener of listeners) listener(event);
  };

  async function read(): Promise<void> {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      do {
        again = false;
        const positions = await readLatest();
        if (closed) return;
        const first = known === undefined;
        const previous = known ?? new Map<string, LivePosition>();
        known = new Map(positions.map((p) => [p.vehicle_id, p]));
        if (first) emit({ kind: 'snapshot', positions });
        else {
          const changes = positions.filter((p) => previous.get(p.vehicle_id)?.ts !== p.ts);
          if (changes.length > 0) emit({ kind: 'changes', positions: changes });
        }
      } while (again && !closed);
    } catch (err) {
      emit({ kind: 'error', message: errorMessage(err) });
    } finally {
      reading = false;
    }
  }

  async function readLatest(): Promise<LivePosition[]> {
    const { rows } = await options.queries.all<LivePosition>('vehicles-latest', {
      since: dateTimeParam(0),
      min_lon: numberParam(WORLD.minLon),
      min_lat: numberParam(WORLD.minLat),
      max_lon: numberParam(WORLD.maxLon),
      max_lat: numberParam(WORLD.maxLat),
      vehicle_types: stringArrayParam([]),
      limit: numberParam(options.maxVehicles),
      ...options.restriction,
    });
    return rows.map((row) => ({ ...row, ts: rfc3339FromClickHouse(row.ts) }));
  }

  return {
    subscribe(listener) {
      listeners.add(listener);
      if (known) listener({ kind: 'snapshot', positions: [...known.values()] });
      if (!timer && !closed) {
        void read();
        timer = setInterval(() => void read(), options.intervalMs);
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && timer) {
          clearInterval(timer);
          timer = undefined;
          // A later subscriber starts from a fresh read, not from what was known when everyone left.
          known = undefined;
        }
      };
    },
    poke() {
      if (timer) void read();
    },
    close() {
      closed = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      listeners.clear();
    },
  };
}
