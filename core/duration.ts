/** Durations as people write them on a command line or in YAML: `250ms`, `5s`, `10m`, `1h`, `30d`, `2w`, `7y`. */
export type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd' | 'w' | 'y';

export interface Duration {
  readonly value: number;
  readonly unit: DurationUnit;
  readonly ms: number;
  readonly text: string;
}

const UNIT_MS: Record<DurationUnit, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  // A calendar-average year: estimates and comparisons only; TTLs keep the unit and let ClickHouse do calendar maths.
  y: 365.25 * 86_400_000,
};

export const DURATION_HELP = 'a number followed by ms, s, m, h, d, w or y (e.g. 5s, 30d, 7y)';

/** What a duration looks like; schemas that check one (core/config-field.ts) use the same pattern. */
export const DURATION_PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w|y)\s*$/;

/** Returns undefined when `text` is not a duration, so callers can word their own error. */
export function parseDuration(text: string): Duration | undefined {
  const match = DURATION_PATTERN.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = match[2] as DurationUnit;
  return { value, unit, ms: value * UNIT_MS[unit], text: `${match[1]}${unit}` };
}

/** The ClickHouse INTERVAL for a whole-unit duration (TTL clauses). */
export function toClickHouseInterval(d: Duration): string {
  const names: Record<DurationUnit, string> = {
    ms: 'MILLISECOND', s: 'SECOND', m: 'MINUTE', h: 'HOUR', d: 'DAY', w: 'WEEK', y: 'YEAR',
  };
  if (!Number.isInteger(d.value)) throw new RangeError(`a TTL needs a whole number of units, not ${d.text}`);
  return `INTERVAL ${d.value} ${names[d.unit]}`;
}

/** The units formatDurationMs writes, largest first (weeks and years would read oddly in an error message). */
const FORMAT_UNITS = (['d', 'h', 'm', 's', 'ms'] as const).map((unit) => [unit, UNIT_MS[unit]] as const);

/** 93_784_000 → "1d 2h 3m 4s": readable in error messages. */
export function formatDurationMs(ms: number): string {
  if (ms <= 0) return '0s';
  if (ms < 1) return `${ms}ms`;
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of FORMAT_UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join(' ');
}

/** 72_000 → "1:12", 3_723_000 → "1:02:03": a countdown on a progress line; not finite → "--:--". */
export function formatClockDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '--:--';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
