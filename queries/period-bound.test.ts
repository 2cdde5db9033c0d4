import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestLake, type TestLake } from '../test-support/lake.ts';
import { GRANULE_ROWS, PEAK_TO_MEAN, positionsBound, readBound, watchPeriodBound, type PeriodBound } from './period-bound.ts';
import { checkedEstimate } from './read-budget.ts';
import type { QueryRunner } from './query-runner.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOV = Date.parse('2026-11-01T00:00:00Z');
const DEC = Date.parse('2026-12-01T00:00:00Z');
/** November whole, 30 days of 720,000 positions; December's first 5 days, 50,000. */
const MONTHS = [
  { positions: 720_000, firstMs: NOV, lastMs: DEC - 1 },
  { positions: 50_000, firstMs: DEC, lastMs: DEC + 5 * DAY - 1 },
];

describe('positionsBound', () => {
  it('spreads a month over its span and multiplies by the peak-to-mean margin', () => {
    // 720,000 over 720 hours is 1,000 an hour.
    expect(positionsBound(MONTHS, NOV + 10 * HOUR, NOV + 11 * HOUR)).toBe(1000 * PEAK_TO_MEAN);
    expect(positionsBound(MONTHS, DEC + HOUR, DEC + 3 * HOUR)).toBe(Math.ceil((50_000 / 120) * 2 * PEAK_TO_MEAN));
  });

  it('adds the months a period crosses, never more than a month holds, nothing outside them', () => {
    expect(positionsBound(MONTHS, DEC - HOUR, DEC + HOUR)).toBe(1000 * PEAK_TO_MEAN + Math.ceil((50_000 / 120) * PEAK_TO_MEAN));
    expect(positionsBound(MONTHS, NOV - 30 * DAY, DEC + 30 * DAY)).toBe(770_000);
    expect(positionsBound(MONTHS, DEC + 6 * DAY, DEC + 7 * DAY)).toBe(0);
    expect(positionsBound([], NOV, DEC)).toBe(0);
  });

  it('counts a month spanning less than an hour as an hour, so a fresh lake is not taken for a dense one', () => {
    expect(positionsBound([{ positions: 600, firstMs: NOV, lastMs: NOV + 999 }], NOV, NOV + 1000)).toBe(Math.ceil(600 * (1000 / HOUR) * PEAK_TO_MEAN));
  });
});

function fakeRunner(): QueryRunner & { asked: number } {
  const runner = {
    asked: 0,
    async estimate() {
      runner.asked++;
      return [{ table: 'fleet.positions', parts: 3, rows: 2_000_000 }];
    },
  };
  return runner as unknown as QueryRunner & { asked: number };
}

describe('checkedEstimate with a bound', () => {
  const budget = { read_rows_per_second: 1_000_000, rollup_rows_per_second: 500_000, query_timeout: { ms: 10_000 } };

  it('does not ask the index when everything the bound allows fits the budget at the slower rate', async () => {
    const runner = fakeRunner();
    const estimate = await checkedEstimate(runner, budget, 'area-vehicles', {}, 'hint', 4_000_000);
    expect(runner.asked).toBe(0);
    expect(estimate).toEqual({ rows: 4_000_000, ms: 8000, tables: [], source: 'period' });
  });

  it('asks the index when the bound does not fit, or is unknown, and refuses past the budget as before', async () => {
    const runner = fakeRunner();
    expect((await checkedEstimate(runner, budget, 'area-vehicles', {}, 'hint', 6_000_000)).source).toBe('index');
    expect((await checkedEstimate(runner, budget, 'area-vehicles', {}, 'hint')).tables).toEqual([{ table: 'fleet.positions', parts: 3, rows: 2_000_000 }]);
    expect(runner.asked).toBe(2);
    const tight = { ...budget, query_timeout: { ms: 1000 } };
    await expect(checkedEstimate(runner, tight, 'area-vehicles', {}, 'a smaller area', 6_000_000)).rejects.toMatchObject({ code: 'API_QUERY_TOO_LARGE' });
  });
});

describe('watchPeriodBound on a lake', () => {
  let lake: TestLake;
  let bound: PeriodBound | undefined;

  beforeAll(async () => {
    lake = await openTestLake();
  });

  afterAll(async () => {
    bound?.close();
    await lake.dispose();
  });

  it('reads every month from the parts, and a query over cells adds a granule per cell and table', async () => {
    const at = (iso: string) => ({ vehicle_id: 'v-00001', ts: iso, lat: 45.5, lon: -73.56, speed_kmh: 30, heading_deg: 90 });
    await lake.ch.client.insert({
      table: 'fleet.positions',
      values: [at('2026-11-02 00:00:00.000'), at('2026-11-02 02:00:00.000'), at('2026-11-03 00:00:00.000'), at('2026-12-01 00:00:00.000')],
      format: 'JSONEachRow',
    });
    const warnings: string[] = [];
    bound = watchPeriodBound(lake.ch.client, 60_000, { warn: (_details, message) => warnings.push(message) });
    await bound.ready;
    expect(bound.positionsBetween(NOV, DEC + DAY)).toBe(4);
    // November: 3 positions over 24 hours (plus the last second) hold at most all 3; one hour of it 3/24 × 4.
    expect(bound.positionsBetween(Date.parse('2026-11-02T01:00:00Z'), Date.parse('2026-11-02T02:00:00Z'))).toBe(1);
    expect(bound.positionsBetween(Date.parse('2026-10-01T00:00:00Z'), NOV)).toBe(0);
    expect(readBound(bound, NOV, DEC + DAY, 10)).toBe(4 + 3 * 10 * GRANULE_ROWS);
    expect(warnings).toEqual([]);
  });
});
