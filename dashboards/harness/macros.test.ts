import { describe, expect, it } from 'vitest';
import { expandMacros, unknownMacros } from './macros.ts';

// 2024-01-02T03:04:05.678Z .. 2024-01-03T04:04:05.999Z, a 30 s panel interval.
const ctx = { fromMs: 1_704_164_645_678, toMs: 1_704_254_645_999, intervalMs: 30_000 };

describe('plugin macro expansion (pkg/macros/macros.go via sqlutil.Interpolate)', () => {
  it.each([
    ['$__timeFilter(ts)', 'ts >= toDateTime(1704164645) AND ts <= toDateTime(1704254645)'],
    ['$__timeFilter_ms(ts)', 'ts >= fromUnixTimestamp64Milli(1704164645678) AND ts <= fromUnixTimestamp64Milli(1704254645999)'],
    ['$__fromTime', 'toDateTime(1704164645)'],
    ['$__toTime', 'toDateTime(1704254645)'],
    ['$__fromTime_ms', 'fromUnixTimestamp64Milli(1704164645678)'],
    ['$__toTime_ms', 'fromUnixTimestamp64Milli(1704254645999)'],
    ['$__dateFilter(d)', "d >= toDate('2024-01-02') AND d <= toDate('2024-01-03')"],
    ['$__dateTimeFilter(d, t)', "(d >= toDate('2024-01-02') AND d <= toDate('2024-01-03')) AND (t >= toDateTime(1704164645) AND t <= toDateTime(1704254645))"],
    ['$__dt(d,t)', "(d >= toDate('2024-01-02') AND d <= toDate('2024-01-03')) AND (t >= toDateTime(1704164645) AND t <= toDateTime(1704254645))"],
    ['$__timeInterval(ts)', 'toStartOfInterval(toDateTime(ts), INTERVAL 30 second)'],
    ['$__timeInterval_ms(ts)', 'toStartOfInterval(toDateTime64(ts, 3), INTERVAL 30000 millisecond)'],
    ['$__interval_s', '30'],
    ['$__timeFrom(ts)', "ts >= '2024-01-02T03:04:05Z'"],
    ['$__timeTo(ts)', "ts <= '2024-01-03T04:04:05Z'"],
  ])('%s', (sql, expected) => {
    expect(expandMacros(sql, ctx)).toBe(expected);
  });

  it('floors the interval at one second (and one millisecond), as the plugin does', () => {
    const tiny = { ...ctx, intervalMs: 0 };
    expect(expandMacros('$__interval_s $__timeInterval(ts) $__timeInterval_ms(ts)', tiny)).toBe(
      '1 toStartOfInterval(toDateTime(ts), INTERVAL 1 second) toStartOfInterval(toDateTime64(ts, 3), INTERVAL 1 millisecond)',
    );
    expect(expandMacros('$__interval_s', { ...ctx, intervalMs: 1999 })).toBe('1');
  });

  it('keeps nested calls whole as one argument and trims arguments', () => {
    expect(expandMacros("$__timeFilter( toDateTime(x, 'UTC') )", ctx)).toBe(
      "toDateTime(x, 'UTC') >= toDateTime(1704164645) AND toDateTime(x, 'UTC') <= toDateTime(1704254645)",
    );
  });

  it('takes arguments only from a bracket right after the name (sqlds issue 82)', () => {
    expect(expandMacros('ts >= $__fromTime AND x IN (1, 2)', ctx)).toBe('ts >= toDateTime(1704164645) AND x IN (1, 2)');
    expect(expandMacros('$__interval_s*(a + b)', ctx)).toBe('30*(a + b)');
  });

  it('does not read $__timeFilter inside $__timeFilter_ms, whatever the order', () => {
    expect(expandMacros('$__timeFilter_ms(a) AND $__timeFilter(b)', ctx)).toBe(
      'a >= fromUnixTimestamp64Milli(1704164645678) AND a <= fromUnixTimestamp64Milli(1704254645999) AND b >= toDateTime(1704164645) AND b <= toDateTime(1704254645)',
    );
  });

  it('fails the query where the plugin does, with its message', () => {
    expect(() => expandMacros('WHERE $__timeFilter', ctx)).toThrow('$__timeFilter: unexpected number of arguments: expected 1 argument, received 0');
    expect(() => expandMacros('WHERE $__timeFilter(a, b)', ctx)).toThrow('expected 1 argument, received 2');
    expect(() => expandMacros('WHERE $__dt(a)', ctx)).toThrow('expected 2 arguments, received 1');
    expect(() => expandMacros('WHERE $__timeFilter(f(a)', ctx)).toThrow('missing close bracket');
  });

  it('names the $__ tokens the plugin would pass through to ClickHouse untouched', () => {
    expect(unknownMacros('$__timeGroup(ts, 1m) $__timeFilter(ts) $__table $__conditionalAll(a, $b)')).toEqual(['timeGroup', 'table', 'conditionalAll']);
  });
});
