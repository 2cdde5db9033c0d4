import { describe, expect, it } from 'vitest';
import { estimate } from './estimate.ts';
import { axisTicks, renderStorageChart } from './storage-chart.ts';
import { fixedCalibration, scenarioOf } from './test-fixtures.ts';

const labels = { title: 'storage <by> tier & year', hot: 'hot: last 30d', cold: 'cold: up to 7y' };

describe('storage chart (SVG)', () => {
  it('round axis ticks from zero to just above the largest total', () => {
    expect(axisTicks(8.84e12)).toEqual({ ticks: [0, 2e12, 4e12, 6e12, 8e12, 10e12], top: 10e12 });
    expect(axisTicks(13.8e12)).toEqual({ ticks: [0, 5e12, 10e12, 15e12], top: 15e12 });
    expect(axisTicks(1e9)).toEqual({ ticks: [0, 2e8, 4e8, 6e8, 8e8, 1e9], top: 1e9 });
    expect(axisTicks(0)).toEqual({ ticks: [0], top: 0 });
  });

  it('one stacked bar per year with both tiers, totals, axis labels in one unit and a legend', () => {
    const years = estimate(scenarioOf({ vehicles: [10_000, 12_000, 15_000] }), fixedCalibration(20, 50_000)).storage_bytes_by_year;
    const svg = renderStorageChart(years, labels);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<title>year \d+ hot: /g)).toHaveLength(7);
    expect(svg.match(/<title>year \d+ cold: /g)).toHaveLength(7);
    expect(svg).toContain('>0 TB</text>');
    expect(svg).toContain('>end of year of operation</text>');
    expect(svg).toContain('>hot: last 30d</text>');
    expect(svg).toContain('>cold: up to 7y</text>');
    // Text is escaped, so a title with markup characters keeps the file well-formed.
    expect(svg).toContain('storage &lt;by&gt; tier &amp; year');
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
  });

  it('an empty fleet still draws a valid, flat chart', () => {
    const years = estimate(scenarioOf({ vehicles: 0 }), fixedCalibration(20, 50_000)).storage_bytes_by_year;
    const svg = renderStorageChart(years, labels);
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
    expect(svg).toContain('>0 B</text>');
  });
});
