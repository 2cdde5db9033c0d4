import { FleetlakeError } from '../../core/errors.ts';

/**
 * The backend half of what Grafana does to a ClickHouse panel query: the
 * grafana-clickhouse-datasource (v4) macros, expanded the way the plugin's Go
 * code does it (pkg/macros/macros.go, run by grafana-plugin-sdk-go
 * data/sqlutil.Interpolate). Every output string below is the plugin's own
 * format; a test pins them against the plugin's documented expansions.
 */
export interface MacroContext {
  /** Dashboard (or alert rule) time range, ms since the epoch. */
  readonly fromMs: number;
  readonly toMs: number;
  /** The query interval Grafana computed for the panel (0 for variable queries). */
  readonly intervalMs: number;
}

type MacroFunc = (ctx: MacroContext, args: readonly string[] | undefined) => string;

const dateTime = (ms: number) => `toDateTime(${Math.floor(ms / 1000)})`;
const dateTime64 = (ms: number) => `fromUnixTimestamp64Milli(${Math.trunc(ms)})`;
// Go formats the plugin's time.Time in the Grafana server's zone; our compose stack runs it in UTC.
const date = (ms: number) => `toDate('${new Date(ms).toISOString().slice(0, 10)}')`;
const rfc3339 = (ms: number) => `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
const seconds = (ctx: MacroContext) => Math.max(Math.trunc(ctx.intervalMs / 1000), 1);

function want(name: string, args: readonly string[] | undefined, count: number): readonly string[] {
  const received = args?.length ?? 0;
  if (received !== count) {
    const plural = count === 1 ? 'argument' : 'arguments';
    throw new FleetlakeError('DASHBOARD_INVALID', { detail: `$__${name}: unexpected number of arguments: expected ${count} ${plural}, received ${received}` });
  }
  return args as readonly string[];
}

const filter = (name: string, render: (ms: number) => string): MacroFunc => (ctx, args) => {
  const [column] = want(name, args, 1);
  return `${column} >= ${render(ctx.fromMs)} AND ${column} <= ${render(ctx.toMs)}`;
};

const dateTimeFilter: (name: string) => MacroFunc = (name) => (ctx, args) => {
  const [dateColumn, timeColumn] = want(name, args, 2);
  return `(${dateColumn} >= ${date(ctx.fromMs)} AND ${dateColumn} <= ${date(ctx.toMs)}) AND ` +
    `(${timeColumn} >= ${dateTime(ctx.fromMs)} AND ${timeColumn} <= ${dateTime(ctx.toMs)})`;
};

/** The plugin's macros, plus the SDK defaults it does not override. */
const MACROS: Readonly<Record<string, MacroFunc>> = {
  fromTime: (ctx) => dateTime(ctx.fromMs),
  toTime: (ctx) => dateTime(ctx.toMs),
  fromTime_ms: (ctx) => dateTime64(ctx.fromMs),
  toTime_ms: (ctx) => dateTime64(ctx.toMs),
  timeFilter: filter('timeFilter', dateTime),
  timeFilter_ms: filter('timeFilter_ms', dateTime64),
  dateFilter: filter('dateFilter', date),
  dateTimeFilter: dateTimeFilter('dateTimeFilter'),
  dt: dateTimeFilter('dt'),
  timeInterval: (ctx, args) => {
    const [column] = want('timeInterval', args, 1);
    return `toStartOfInterval(toDateTime(${column}), INTERVAL ${seconds(ctx)} second)`;
  },
  timeInterval_ms: (ctx, args) => {
    const [column] = want('timeInterval_ms', args, 1);
    return `toStartOfInterval(toDateTime64(${column}, 3), INTERVAL ${Math.max(Math.trunc(ctx.intervalMs), 1)} millisecond)`;
  },
  interval_s: (ctx) => String(seconds(ctx)),
  // sqlutil.DefaultMacros the plugin keeps. (timeGroup, table and column are left out on purpose:
  // timeGroup expands to datepart(), which ClickHouse lacks, and the other two are empty for raw SQL.)
  timeFrom: (ctx, args) => `${want('timeFrom', args, 1)[0]} >= '${rfc3339(ctx.fromMs)}'`,
  timeTo: (ctx, args) => `${want('timeTo', args, 1)[0]} <= '${rfc3339(ctx.toMs)}'`,
};

export const MACRO_NAMES: readonly string[] = Object.keys(MACROS);

interface MacroMatch {
  readonly full: string;
  readonly args: readonly string[] | undefined;
}

/**
 * The SDK's argument parser: arguments exist only when `(` follows the name
 * at once; commas split them at depth 1 only; each is trimmed.
 */
function parseArgs(rest: string): { args: string[] | undefined; length: number } {
  if (!rest.startsWith('(')) return { args: undefined, length: 0 };
  const args: string[] = [];
  let depth = 0;
  let arg = '';
  for (let i = 0; i < rest.length; i++) {
    const ch = rest[i]!;
    if (ch === '(' && ++depth === 1) continue;
    if (ch === ')' && --depth === 0) {
      args.push(arg.trim());
      return { args, length: i + 1 };
    }
    if (ch === ',' && depth === 1) {
      args.push(arg.trim());
      arg = '';
      continue;
    }
    arg += ch;
  }
  return { args: undefined, length: -1 };
}

function findMatches(sql: string, name: string): MacroMatch[] {
  const matches: MacroMatch[] = [];
  // \b as in Go's regexp: `$__timeFilter` does not match inside `$__timeFilter_ms`.
  for (const m of sql.matchAll(new RegExp(`\\$__${name}\\b`, 'g'))) {
    const end = m.index + m[0].length;
    const { args, length } = parseArgs(sql.slice(end));
    if (length < 0) throw new FleetlakeError('DASHBOARD_INVALID', { detail: `$__${name}: failed to parse macro arguments (missing close bracket?)` });
    matches.push({ full: sql.slice(m.index, end + length), args });
  }
  return matches;
}

/** Expands every plugin macro in `sql`; throws DASHBOARD_INVALID where the plugin would fail the query. */
export function expandMacros(sql: string, ctx: MacroContext): string {
  let out = sql;
  for (const [name, macro] of Object.entries(MACROS)) {
    for (const match of findMatches(out, name)) {
      const expansion = macro(ctx, match.args);
      // A function, so `$` in the expansion is never read as a replacement pattern (Go's ReplaceAll has none).
      out = out.replaceAll(match.full, () => expansion);
    }
  }
  return out;
}

/** `$__name` references that are no plugin macro: Grafana would send them to ClickHouse as they are. */
export function unknownMacros(sql: string): string[] {
  return [...sql.matchAll(/\$__(\w+)/g)].map((m) => m[1]!).filter((name) => !(name in MACROS));
}
