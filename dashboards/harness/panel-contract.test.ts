import { describe, expect, it } from 'vitest';
import type { Panel, Target } from './dashboard-model.ts';
import { checkPanelResult, type QueryResult } from './panel-contract.ts';

const grid = { h: 8, w: 12, x: 0, y: 0 };
const ts: Target = { refId: 'A', rawSql: 'x', format: 0, queryType: 'timeseries', editorType: 'sql', pluginVersion: '4.10.1' };
const table: Target = { ...ts, format: 1, queryType: 'table' };
const timeseries: Panel = { id: 1, type: 'timeseries', title: 't', gridPos: grid };
const geomap: Panel = { id: 2, type: 'geomap', title: 'g', gridPos: grid, options: { layers: [{ location: { mode: 'coords', latitude: 'lat', longitude: 'lon' } }] } };
const barchart: Panel = { id: 3, type: 'barchart', title: 'b', gridPos: grid, options: { xField: 'band' } };
const result = (columns: Array<[string, string]>, rows: unknown[][] = []): QueryResult => ({ columns: columns.map(([name, type]) => ({ name, type })), rows });

describe('checkPanelResult', () => {
  it('accepts a long time series: time, string labels, numeric values, sorted', () => {
    const r = result([['time', "DateTime('UTC')"], ['vehicle_type', 'LowCardinality(String)'], ['vehicles', 'UInt64']], [
      ['2024-01-01 00:00:00', 'van', '3'], ['2024-01-01 00:00:00', 'car', '2'], ['2024-01-01 00:01:00', 'van', '4'],
    ]);
    expect(checkPanelResult(timeseries, ts, r)).toEqual([]);
  });

  it.each([
    ['no time column', result([['n', 'UInt64']]), 'a time series needs a time column'],
    ['no value column', result([['time', 'DateTime'], ['label', 'String']]), 'at least one numeric value column'],
    ['an array column', result([['time', 'DateTime'], ['v', 'Float64'], ['a', 'Array(UInt8)']]), 'column a (Array(UInt8)) is neither a number nor a string label'],
    ['unsorted rows', result([['time', 'DateTime'], ['v', 'Float64']], [['2024-01-01 00:01:00', 1], ['2024-01-01 00:00:00', 1]]), 'sorted by time ascending'],
    ['two points for one series and time', result([['time', 'DateTime'], ['v', 'Float64']], [['2024-01-01 00:00:00', 1], ['2024-01-01 00:00:00', 2]]), 'two rows share time and labels'],
    ['a Decimal value', result([['time', 'DateTime'], ['speed', 'Decimal(9, 1)']]), 'column speed is Decimal(9, 1): Grafana needs plain numbers, use toFloat64()'],
  ])('refuses a time series with %s', (_what, r, message) => {
    expect(checkPanelResult(timeseries, ts, r).join('\n')).toContain(message);
  });

  it('wants format 0 on a timeseries panel', () => {
    expect(checkPanelResult(timeseries, table, result([['time', 'DateTime'], ['v', 'Float64']]))).toContain('a timeseries panel needs format 0 (time series)');
  });

  it('wants numeric lat/lon columns named by the geomap layer', () => {
    expect(checkPanelResult(geomap, table, result([['lat', 'Float64'], ['lon', 'Float64']]))).toEqual([]);
    expect(checkPanelResult(geomap, table, result([['lat', 'Decimal(9, 6)'], ['lon', 'Float64']])).join('\n')).toContain('latitude column lat is Decimal(9, 6): use toFloat64()');
    expect(checkPanelResult(geomap, table, result([['latitude', 'Float64'], ['lon', 'Float64']])).join('\n')).toContain('latitude field "lat" is not a column of the result');
    expect(checkPanelResult({ ...geomap, options: { layers: [{ location: { mode: 'auto' } }] } }, table, result([['lat', 'Float64']]))).toContain(
      'geomap layers must use location mode "coords" with named latitude/longitude fields',
    );
  });

  it('wants H3 cells as strings', () => {
    expect(checkPanelResult(geomap, table, result([['h3', 'UInt64'], ['lat', 'Float64'], ['lon', 'Float64']]))).toContain(
      'H3 column h3 is UInt64: send H3 cells as strings (h3ToString)',
    );
  });

  it('wants the barchart x field as a string column and a numeric one', () => {
    expect(checkPanelResult(barchart, table, result([['band', 'String'], ['n', 'UInt64']]))).toEqual([]);
    expect(checkPanelResult(barchart, table, result([['band', 'UInt8'], ['n', 'UInt64']]))).toContain('barchart xField band must be a string or a time');
  });
});
