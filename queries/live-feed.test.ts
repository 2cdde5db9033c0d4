import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLiveFeed, type LiveEvent } from './live-feed.ts';
import { UNRESTRICTED } from './auth/restriction.ts';
import type { QueryRunner } from './query-runner.ts';

type Row = { vehicle_id: string; ts: string; lat: number; lon: number; speed_kmh: number; heading_deg: number; vehicle_type: string };
const row = (id: string, ts: string): Row => ({ vehicle_id: id, ts, lat: 45.5, lon: -73.6, speed_kmh: 10, heading_deg: 90, vehicle_type: 'van' });

/** A stand-in for the query runner that answers vehicles-latest with whatever the test put in `table`. */
function fakeLake() {
  const lake = {
    table: [] as Row[],
    reads: 0,
    params: [] as Record<string, string>[],
    fail: undefined as Error | undefined,
    queries: {
      all: async (name: string, params: Record<string, string>) => {
        expect(name).toBe('vehicles-latest');
        lake.reads++;
        lake.params.push(params);
        if (lake.fail) throw lake.fail;
        return { rows: lake.table.map((r) => ({ ...r })), stats: { rowsRead: 0, bytesRead: 0, elapsedMs: 0 } };
      },
    } as unknown as Pick<QueryRunner, 'all'>,
  };
  return lake;
}

describe('the live feed over fleet.latest_positions', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends a snapshot, then only vehicles whose last position changed, late ones included', async () => {
    const lake = fakeLake();
    lake.table = [row('v-1', '2025-03-03 06:00:10.000'), row('v-2', '2025-03-03 06:00:20.000')];
    const feed = createLiveFeed({ queries: lake.queries, intervalMs: 1000, maxVehicles: 500, restriction: UNRESTRICTED });
    const events: LiveEvent[] = [];
    feed.subscribe((e) => events.push(e));
    await vi.advanceTimersByTimeAsync(0);
    expect(events).toEqual([{ kind: 'snapshot', positions: [{ ...row('v-1', '2025-03-03T06:00:10.000Z') }, { ...row('v-2', '2025-03-03T06:00:20.000Z') }] }]);
    expect(lake.params[0]).toMatchObject({ since: '1970-01-01 00:00:00.000', vehicle_types: '[]', limit: '500' });

    // v-1 moves on to a time older than v-2's: a "newer than the newest seen" filter would lose it.
    lake.table = [row('v-1', '2025-03-03 06:00:15.000'), row('v-2', '2025-03-03 06:00:20.000'), row('v-3', '2025-03-03 06:00:01.000')];
    await vi.advanceTimersByTimeAsync(1000);
    expect(events[1]).toEqual({ kind: 'changes', positions: [row('v-1', '2025-03-03T06:00:15.000Z'), row('v-3', '2025-03-03T06:00:01.000Z')] });
    await vi.advanceTimersByTimeAsync(1000);
    expect(events).toHaveLength(2);
    feed.close();
  });

  it('reads only while someone listens, at once on a poke, and gives a late subscriber what is known', async () => {
    const lake = fakeLake();
    lake.table = [row('v-1', '2025-03-03 06:00:10.000')];
    const feed = createLiveFeed({ queries: lake.queries, intervalMs: 1000, maxVehicles: 10, restriction: UNRESTRICTED });
    feed.poke();
    await vi.advanceTimersByTimeAsync(5000);
    expect(lake.reads).toBe(0);

    const first: LiveEvent[] = [];
    const leave = feed.subscribe((e) => first.push(e));
    await vi.advanceTimersByTimeAsync(0);
    const second: LiveEvent[] = [];
    feed.subscribe((e) => second.push(e));
    expect(second).toEqual([{ kind: 'snapshot', positions: [row('v-1', '2025-03-03T06:00:10.000Z')] }]);

    lake.table = [row('v-1', '2025-03-03 06:00:11.000')];
    feed.poke();
    await vi.advanceTimersByTimeAsync(0);
    expect(first.at(-1)).toEqual({ kind: 'changes', positions: [row('v-1', '2025-03-03T06:00:11.000Z')] });
    leave();
    feed.close();
    const reads = lake.reads;
    await vi.advanceTimersByTimeAsync(5000);
    expect(lake.reads).toBe(reads);
  });

  it('reports a failed read and keeps reading', async () => {
    const lake = fakeLake();
    lake.fail = new Error('ClickHouse is unavailable: connection refused');
    const feed = createLiveFeed({ queries: lake.queries, intervalMs: 1000, maxVehicles: 10, restriction: UNRESTRICTED });
    const events: LiveEvent[] = [];
    feed.subscribe((e) => events.push(e));
    await vi.advanceTimersByTimeAsync(0);
    expect(events).toEqual([{ kind: 'error', message: 'ClickHouse is unavailable: connection refused' }]);
    lake.fail = undefined;
    lake.table = [row('v-1', '2025-03-03 06:00:10.000')];
    await vi.advanceTimersByTimeAsync(1000);
    expect(events[1]).toMatchObject({ kind: 'snapshot' });
    feed.close();
  });
});
