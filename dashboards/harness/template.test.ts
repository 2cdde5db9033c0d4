import { describe, expect, it } from 'vitest';
import { ALL_VALUE, applyConditionalAll, applyTemplate, interpolateVariables, type ResolvedVariable } from './template.ts';

const types: ResolvedVariable = {
  name: 'vehicle_type',
  current: ALL_VALUE,
  options: [{ text: 'All', value: ALL_VALUE }, { text: 'van', value: 'van' }, { text: 'truck', value: 'truck' }],
};
const district: ResolvedVariable = { name: 'district', current: "d'01", options: [{ text: 'Centre', value: "d'01" }] };

describe('$__conditionalAll (CHDatasource.applyConditionalAll)', () => {
  it('becomes 1=1 when the variable is All, and the condition otherwise', () => {
    const sql = 'WHERE $__conditionalAll(vehicle_type IN (${vehicle_type:singlequote}), $vehicle_type) AND x';
    expect(applyConditionalAll(sql, [types])).toBe('WHERE 1=1 AND x');
    expect(applyConditionalAll(sql, [{ ...types, current: 'van' }])).toBe('WHERE vehicle_type IN (${vehicle_type:singlequote}) AND x');
    expect(applyConditionalAll(sql, [{ ...types, current: '' }])).toBe('WHERE 1=1 AND x');
  });

  it('accepts ${var} as the second argument and handles several occurrences', () => {
    const sql = '$__conditionalAll(a = 1, ${vehicle_type}) OR $__conditionalAll(f(b, c) = 2, $vehicle_type)';
    expect(applyConditionalAll(sql, [{ ...types, current: 'van' }])).toBe('a = 1 OR f(b, c) = 2');
  });

  it('reports a second argument that names no variable (the plugin would never turn it into 1=1)', () => {
    const problems: string[] = [];
    applyConditionalAll('$__conditionalAll(a = 1, ${vehicle_type:singlequote})', [types], problems);
    expect(problems).toEqual(['$__conditionalAll second argument ${vehicle_type:singlequote} is not a dashboard variable']);
  });
});

describe('template variables (templateSrv.replace, house form ${name:singlequote})', () => {
  it('quotes one value and escapes quotes with a backslash', () => {
    expect(interpolateVariables('id = ${district:singlequote}', [district])).toBe("id = 'd\\'01'");
  });

  it('expands several values and All to a quoted list, and a custom all value raw', () => {
    expect(interpolateVariables('IN (${vehicle_type:singlequote})', [{ ...types, current: ['van', 'truck'] }])).toBe("IN ('van','truck')");
    expect(interpolateVariables('IN (${vehicle_type:singlequote})', [types])).toBe("IN ('van','truck')");
    expect(interpolateVariables('IN (${vehicle_type:singlequote})', [{ ...types, allValue: 'SELECT 1' }])).toBe('IN (SELECT 1)');
  });

  it('leaves plugin macros for the backend', () => {
    expect(interpolateVariables('$__timeFilter(ts) AND $__interval_s > 0', [])).toBe('$__timeFilter(ts) AND $__interval_s > 0');
  });

  it.each([
    ['$district', 'write dashboard variables as ${district:singlequote}'],
    ['${district}', 'write dashboard variables as ${district:singlequote}'],
    ['[[district]]', 'write dashboard variables as ${district:singlequote}'],
    ['${district:csv}', 'write dashboard variables as ${district:singlequote}'],
    ['$__from', 'is a Grafana global variable (browser only)'],
    ['${__interval_ms}', 'is a Grafana global variable (browser only)'],
    ['$vehicle', 'refers to no dashboard variable'],
  ])('refuses %s', (sql, message) => {
    expect(() => applyTemplate(`SELECT ${sql}`, [district], 'panel "x"')).toThrow(message);
  });
});
