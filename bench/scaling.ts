/**
 * npm run bench:scaling [-- --sizes 30e6,300e6,1e9 --vehicles 1000 --interval 10s --iterations 20]
 *
 * How fleetlake's cost grows with its history: bench:query (area-query
 * latency and rows read through the API, H3 index and full-scan twin) at each
 * size in turn, smallest first, each size continuing the previous one's lake
 * (the first starts empty), with the fleet fixed and the period
 * growing (1,000 vehicles every 10 s: 30 M positions = 3.5 days, 300 M = 35
 * days, 1 B = 116 days). bench:query generates the first --generate-hours of
 * real tracks and repeats them shifted in time to fill the period (its own
 * comment says why). Writes a Markdown table (stdout) and a log-log chart of
 * p95 latency and rows read against positions (SVG, --chart).
 *
 * The lakes are measured as loaded (one part per repeated copy, each pruned by
 * its time range; --merge runs OPTIMIZE … FINAL first). --data-dir is kept
 * after the run; --report-only prints the table and
 * chart from the .bench/scaling-<size>.json of earlier runs.
 *
 * Needs, at 1 B positions: about 6.5 GB of lake on disk, and about 0.8
 * CPU-seconds per million positions repeated plus 13 per million generated
 * (docs/performance.md: 46 minutes for 622 M on the shared 2-core machine).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseDuration } from '../core/duration.ts';
import { describeMachine } from './machine.ts';

const { values: args } = parseArgs({
  allowNegative: true,
  options: {
    sizes: { type: 'string', default: '30e6,300e6,1e9' },
    vehicles: { type: 'string', default: '1000' },
    interval: { type: 'string', default: '10s' },
    iterations: { type: 'string', default: '20' },
    'scan-iterations': { type: 'string', default: '2' },
    'generate-hours': { type: 'string', default: '24' },
    'data-dir': { type: 'string', default: '.bench/scaling-lake' },
    chart: { type: 'string', default: '.bench/scaling.svg' },
    merge: { type: 'boolean', default: false },
    'report-only': { type: 'boolean', default: false },
  },
});

interface QueryResults {
  rows: number;
  bytes: number;
  parts: number;
  load_seconds?: number;
  backfill: { fromMs: number; toMs: number };
  results: { scenario: string; index: string; p50_ms: string; p95_ms: string; rows_read_mean: number }[];
}

const sizes = args.sizes.split(',').map(Number).sort((a, b) => a - b);
const vehicles = Number(args.vehicles);
const intervalMs = parseDuration(args.interval)?.ms ?? Number.NaN;
if (sizes.some((s) => !Number.isFinite(s) || s <= 0) || !Number.isFinite(vehicles) || !Number.isFinite(intervalMs)) {
  throw new Error('bench:scaling: --sizes, --vehicles and --interval must be usable numbers');
}

const COLOURS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a'];
const runs: QueryResults[] = [];
for (const size of sizes) {
  const days = size / (vehicles * (86_400_000 / intervalMs));
  const out = `.bench/scaling-${size}.json`;
  if (!args['report-only']) {
    process.stderr.write(`bench:scaling: ${size.toLocaleString('en')} positions = ${vehicles} vehicles every ${args.interval} for ${days.toFixed(2)} days\n`);
    execFileSync(
      process.execPath,
      // The first size starts an empty lake; each next one continues it (bench:query adds the missing days).
      ['--import', 'tsx', 'bench/query.ts', ...(size === sizes[0] ? ['--fresh'] : []), '--vehicles', String(vehicles), '--interval', args.interval, '--days', days.toFixed(4),
        '--iterations', args.iterations, '--scan-iterations', args['scan-iterations'], '--generate-hours', args['generate-hours'], '--data-dir', args['data-dir'], '--out', out,
        args.merge ? '--merge' : '--no-merge'],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
  }
  runs.push(JSON.parse(readFileSync(out, 'utf8')) as QueryResults);
}

const scenarios = [...new Set(runs[0]?.results.map((r) => r.scenario) ?? [])];
const figure = (run: QueryResults, scenario: string, index: string) => run.results.find((r) => r.scenario === scenario && r.index === index);
const h3 = (run: QueryResults, scenario: string) => figure(run, scenario, 'h3')!;
const cell = (r: QueryResults['results'][number] | undefined) => (r ? `${r.p50_ms} / ${r.p95_ms} | ${r.rows_read_mean.toLocaleString('en')}` : '– | –');
console.log(`# bench:scaling — fleetlake alone, ${vehicles} vehicles every ${args.interval}, history growing`);
console.log(`machine: ${describeMachine()}\n`);
console.log('| positions | days | parts | bytes per position | loaded in | scenario | H3: p50 / p95 ms | H3: rows read | full scan: p50 / p95 ms | full scan: rows read |');
console.log('|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|');
let loadSeconds = 0;
for (const run of runs) {
  const days = ((run.backfill.toMs - run.backfill.fromMs) / 86_400_000).toFixed(1);
  // A size's build continued the previous one's lake, so the time from empty is the sum so far.
  loadSeconds += run.load_seconds ?? 0;
  const loaded = run.load_seconds === undefined ? '–' : `${(loadSeconds / 60).toFixed(0)} min`;
  scenarios.forEach((s, i) => {
    const lead = i === 0 ? `${run.rows.toLocaleString('en')} | ${days} | ${run.parts} | ${(run.bytes / run.rows).toFixed(2)} | ${loaded}` : ' | | | |';
    console.log(`| ${lead} | ${s} | ${cell(h3(run, s))} | ${cell(figure(run, s, 'full scan'))} |`);
  });
}
writeFileSync(args.chart, logLogChart(runs, scenarios));
console.log(`\nchart written to ${args.chart}`);

/** p95 latency (solid) and rows read (dashed) per scenario against positions, both axes logarithmic. */
function logLogChart(results: QueryResults[], names: string[]): string {
  const W = 720;
  const H = 420;
  const pad = { left: 70, right: 200, top: 20, bottom: 50 };
  const series = names.flatMap((name, i) => [
    { label: `${name}: p95 ms`, dash: '', colour: COLOURS[i % COLOURS.length]!, points: results.map((r) => [r.rows, Number(h3(r, name).p95_ms)] as const) },
    { label: `${name}: rows read ÷ 1000`, dash: '6 4', colour: COLOURS[i % COLOURS.length]!, points: results.map((r) => [r.rows, h3(r, name).rows_read_mean / 1000] as const) },
  ]);
  const xs = results.map((r) => Math.log10(r.rows));
  const ys = series.flatMap((s) => s.points.map(([, y]) => Math.log10(Math.max(y, 1e-3))));
  // A size a hair under a power of ten (999,648 positions) still starts its decade.
  const [x0, x1] = [Math.floor(Math.min(...xs) + 1e-3), Math.ceil(Math.max(...xs) - 1e-3)];
  const [y0, y1] = [Math.floor(Math.min(...ys)), Math.ceil(Math.max(...ys))];
  const px = (x: number) => pad.left + ((Math.log10(x) - x0) / Math.max(1, x1 - x0)) * (W - pad.left - pad.right);
  const py = (y: number) => H - pad.bottom - ((Math.log10(Math.max(y, 1e-3)) - y0) / Math.max(1, y1 - y0)) * (H - pad.top - pad.bottom);
  const grid: string[] = [];
  for (let e = x0; e <= x1; e++) grid.push(`<line x1="${px(10 ** e)}" y1="${pad.top}" x2="${px(10 ** e)}" y2="${H - pad.bottom}" stroke="#ddd"/><text x="${px(10 ** e)}" y="${H - pad.bottom + 18}" text-anchor="middle">1e${e}</text>`);
  for (let e = y0; e <= y1; e++) grid.push(`<line x1="${pad.left}" y1="${py(10 ** e)}" x2="${W - pad.right}" y2="${py(10 ** e)}" stroke="#ddd"/><text x="${pad.left - 8}" y="${py(10 ** e) + 4}" text-anchor="end">1e${e}</text>`);
  const lines = series.map((s, i) => {
    const path = s.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    return `<polyline points="${path}" fill="none" stroke="${s.colour}" stroke-width="2" stroke-dasharray="${s.dash}"/><text x="${W - pad.right + 10}" y="${pad.top + 14 * (i + 1)}" fill="${s.colour}">${s.label}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">
${grid.join('\n')}
${lines.join('\n')}
<text x="${(pad.left + W - pad.right) / 2}" y="${H - 10}" text-anchor="middle">positions in fleet.positions (log)</text>
<text transform="translate(16 ${(pad.top + H - pad.bottom) / 2}) rotate(-90)" text-anchor="middle">p95 ms (solid), rows read ÷ 1000 (dashed), log</text>
</svg>
`;
}
