import { FleetlakeError } from '../../core/errors.ts';

/**
 * The time arithmetic Grafana does before a query leaves the browser: the
 * dashboard's relative range (`now-6h` .. `now`) resolved against a clock, and
 * the query interval from the range, the panel's max data points and its
 * minimum interval (@grafana/data rangeutil.calculateInterval/roundInterval).
 */
export interface TimeRangeMs {
  readonly fromMs: number;
  readonly toMs: number;
}

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, M: 2_592_000_000, y: 31_536_000_000,
};

/** Grafana's `now`, `now-<n><unit>` (s m h d w M y) or an absolute ISO time. Rounding (`now/d`) is not supported. */
export function resolveTime(text: string, nowMs: number): number {
  if (text === 'now') return nowMs;
  const relative = /^now-(\d+)([smhdwMy])$/.exec(text);
  if (relative) {
    const n = Number(relative[1]);
    const unit = relative[2]!;
    if (unit === 'M' || unit === 'y') {
      // Calendar arithmetic, as moment's subtract() does for months and years.
      const d = new Date(nowMs);
      d.setUTCMonth(d.getUTCMonth() - (unit === 'M' ? n : 12 * n));
      return d.getTime();
    }
    return nowMs - n * UNIT_MS[unit]!;
  }
  const absolute = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}T/.test(text) && Number.isFinite(absolute)) return absolute;
  throw new FleetlakeError('DASHBOARD_INVALID', { detail: `time ${JSON.stringify(text)} is not now, now-<n><unit> or an ISO time` });
}

export function resolveTimeRange(range: { readonly from: string; readonly to: string }, nowMs: number): TimeRangeMs {
  const fromMs = resolveTime(range.from, nowMs);
  const toMs = resolveTime(range.to, nowMs);
  if (!(fromMs < toMs)) throw new FleetlakeError('DASHBOARD_INVALID', { detail: `time range ${range.from} .. ${range.to} is empty` });
  return { fromMs, toMs };
}

/** rangeutil.intervalToMs: `10s`, `1m`, `500ms`; a bare number is seconds. */
export function intervalToMs(text: string): number {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const m = /^(\d+)(ms|s|m|h|d|w|M|y)$/.exec(text);
  if (!m) throw new FleetlakeError('DASHBOARD_INVALID', { detail: `interval ${JSON.stringify(text)} must be a number followed by ms, s, m, h, d, w, M or y` });
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

const LADDER: ReadonlyArray<readonly [number, number]> = [
  [10, 1], [15, 10], [35, 20], [75, 50], [150, 100], [350, 200], [750, 500], [1500, 1000], [3500, 2000],
  [7500, 5000], [12500, 10_000], [17500, 15_000], [25000, 20_000], [45000, 30_000], [90000, 60_000],
  [210_000, 120_000], [450_000, 300_000], [750_000, 600_000], [1_050_000, 900_000], [1_500_000, 1_200_000],
  [2_700_000, 1_800_000], [5_400_000, 3_600_000], [9_000_000, 7_200_000], [16_200_000, 10_800_000],
  [32_400_000, 21_600_000], [86_400_000, 43_200_000], [604_800_000, 86_400_000], [1_814_400_000, 604_800_000],
  [3_628_800_000, 2_592_000_000],
];

/** rangeutil.roundInterval: the "nice" interval at or below a raw one. */
export function roundInterval(ms: number): number {
  for (const [below, nice] of LADDER) if (ms < below) return nice;
  return 31_536_000_000;
}

/**
 * The interval Grafana sends with a panel query. `maxDataPoints` is the
 * panel's setting or, when unset, its width in pixels; the harness stands in
 * 1000 for the width, a wide panel on a laptop screen.
 */
export const DEFAULT_MAX_DATA_POINTS = 1000;

export function queryIntervalMs(range: TimeRangeMs, maxDataPoints = DEFAULT_MAX_DATA_POINTS, minInterval?: string): number {
  const lowLimit = minInterval ? intervalToMs(minInterval) : 1;
  return Math.max(roundInterval((range.toMs - range.fromMs) / maxDataPoints), lowLimit);
}
