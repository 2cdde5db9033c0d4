/**
 * npm run bench:map [-- --vehicles 10000 --seconds 30 --area-vehicles 1000]
 *
 * The map page in headless Chromium (Debian's chromium, software WebGL)
 * against `fleetlake start` with --vehicles reporting every second, so the
 * live view takes ~vehicles updates a second through GET /v1/live:
 * - first render of the live view: from navigation to every vehicle drawn
 *   (targets ≤ 2 s);
 * - main-thread frame time while the fleet moves, from requestAnimationFrame
 *   intervals over --seconds, p50/p95/max, and long tasks (target p95 ≤ 50 ms);
 * - an area query of --area-vehicles vehicles over the last minute: from the
 *   moment its answer and tracks are in the page to the table and the tracks
 *   drawn (target ≤ 1 s); the API's own time is not counted.
 * Smoke run: --vehicles 2000 --seconds 5 --area-vehicles 300
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium } from '../test-support/chromium.ts';
import { spawnFleetlake } from '../test-support/spawn-fleetlake.ts';
import { until } from '../test-support/until.ts';
import { describeMachine } from './machine.ts';

const { values: args } = parseArgs({
  options: {
    vehicles: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '30' },
    'area-vehicles': { type: 'string', default: '1000' },
    out: { type: 'string', default: '.bench/map-results.json' },
  },
});
const vehicles = Number(args.vehicles);
const seconds = Number(args.seconds);
const areaVehicles = Number(args['area-vehicles']);

/** What the page exposes on window.fleetlake (map/client/main.ts); only what this file touches. */
interface Fleetlake {
  map: { loaded(): boolean; isSourceLoaded(id: string): boolean; getBounds(): { getWest(): number; getSouth(): number; getEast(): number; getNorth(): number } };
  live: { vehicles: Map<string, unknown> };
  ask: { renderAnswer(answer: unknown): void };
  replay: { showTracks(tracks: unknown[]): void };
  replayTrack(feature: unknown): unknown;
}
type BenchWindow = Window & { fleetlake: Fleetlake };

console.log(`bench:map — ${vehicles.toLocaleString('en')} vehicles every 1 s, ${seconds} s of frames, an area query of ${areaVehicles} vehicles`);
console.log(`machine: ${describeMachine()}\n`);

const dataDir = mkdtempSync(join(tmpdir(), 'fleetlake-bench-map-'));
const fleetlake = spawnFleetlake(['start', '--vehicles', String(vehicles), '--interval', '1s', '--port', '0', '--clickhouse-http-port', '0'], {
  KAFKA_BROKERS: '',
  FLEETLAKE_LOG_LEVEL: 'warn',
  FLEETLAKE_DATA_DIR: dataDir,
  FLEETLAKE_API_MAX_LIMIT: String(Math.max(10_000, vehicles)),
});
const browser = await launchChromium();
try {
  const apiUrl = await until(() => /fleetlake is running: (\S+)/.exec(fleetlake.output())?.[1], 120_000, () => `fleetlake start did not start:\n${fleetlake.output()}`);
  await until(
    async () => {
      const latest = (await (await fetch(`${apiUrl}/v1/vehicles/latest?limit=${vehicles}`)).json()) as { vehicles: unknown[] };
      return latest.vehicles.length >= vehicles ? true : undefined;
    },
    180_000,
    () => 'not every vehicle reported within 3 minutes',
  );
  // A minute of history for the area query's tracks.
  await new Promise((resolve) => setTimeout(resolve, 60_000));

  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // tsx compiles this file with esbuild's keepNames, which wraps the functions handed to page.evaluate in __name().
  await page.addInitScript('globalThis.__name = (fn) => fn;');
  await page.goto(`${apiUrl}/map`);
  const firstRenderMs = await page.evaluate(
    (n) =>
      new Promise<number>((resolve) => {
        const check = () => {
          const f = (window as unknown as BenchWindow).fleetlake;
          if (f && f.live.vehicles.size >= n && f.map.loaded() && f.map.isSourceLoaded('vehicles')) resolve(performance.now());
          else requestAnimationFrame(check);
        };
        check();
      }),
    vehicles,
  );

  const frames = await page.evaluate(
    (ms) =>
      new Promise<{ intervals: number[]; longTasks: number[] }>((resolve) => {
        const intervals: number[] = [];
        const longTasks: number[] = [];
        new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push(e.duration))).observe({ type: 'longtask' });
        let last = performance.now();
        const end = last + ms;
        const tick = (now: number) => {
          intervals.push(now - last);
          last = now;
          if (now < end) requestAnimationFrame(tick);
          else resolve({ intervals, longTasks });
        };
        requestAnimationFrame(tick);
      }),
    seconds * 1000,
  );

  const area = await page.evaluate(async (limit) => {
    const f = (window as unknown as BenchWindow).fleetlake;
    const b = f.map.getBounds();
    const ring = [[b.getWest(), b.getSouth()], [b.getEast(), b.getSouth()], [b.getEast(), b.getNorth()], [b.getWest(), b.getNorth()], [b.getWest(), b.getSouth()]];
    const to = new Date(Date.now() - 2_000).toISOString();
    const from = new Date(Date.now() - 62_000).toISOString();
    const asked = performance.now();
    const answer = (await (await fetch('/v1/area-query', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ area: { type: 'Polygon', coordinates: [ring] }, from, to, moving_only: false, limit }) })).json()) as { vehicles: { vehicle_id: string }[] };
    const tracks: unknown[] = [];
    for (let i = 0; i < answer.vehicles.length; i += 50) {
      const batch = answer.vehicles.slice(i, i + 50).map(async (v) => (await fetch(`/v1/vehicles/${v.vehicle_id}/track?from=${from}&to=${to}`)).json());
      tracks.push(...(await Promise.all(batch)));
    }
    const apiMs = performance.now() - asked;
    const started = performance.now();
    f.ask.renderAnswer(answer);
    f.replay.showTracks(tracks.map((t) => f.replayTrack(t)));
    await new Promise<void>((resolve) => {
      const check = () => (f.map.isSourceLoaded('result-tracks') && f.map.isSourceLoaded('replay') ? requestAnimationFrame(() => resolve()) : requestAnimationFrame(check));
      requestAnimationFrame(check);
    });
    const points = (tracks as { properties: { points: number } }[]).reduce((n, t) => n + t.properties.points, 0);
    return { vehicles: answer.vehicles.length, points, apiMs, renderMs: performance.now() - started };
  }, areaVehicles);

  const sorted = [...frames.intervals].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
  const results = {
    vehicles,
    seconds,
    first_render_ms: Math.round(firstRenderMs),
    frames: sorted.length,
    frame_ms: { p50: +pct(50).toFixed(1), p95: +pct(95).toFixed(1), max: +(sorted.at(-1) ?? 0).toFixed(1) },
    long_tasks: { count: frames.longTasks.length, total_ms: Math.round(frames.longTasks.reduce((a, b) => a + b, 0)) },
    area: { vehicles: area.vehicles, track_points: area.points, api_ms: Math.round(area.apiMs), render_ms: Math.round(area.renderMs) },
    page_errors: errors,
    machine: describeMachine(),
  };
  console.log(`first render of the live view: ${results.first_render_ms} ms (target ≤ 2000)`);
  console.log(`frame time over ${seconds} s (${results.frames} frames): p50 ${results.frame_ms.p50} ms, p95 ${results.frame_ms.p95} ms (target ≤ 50), max ${results.frame_ms.max} ms; long tasks ${results.long_tasks.count} (${results.long_tasks.total_ms} ms)`);
  console.log(`area query: ${area.vehicles} vehicles, ${area.points.toLocaleString('en')} track points; API ${results.area.api_ms} ms, then list + tracks drawn in ${results.area.render_ms} ms (target ≤ 1000)`);
  if (errors.length > 0) console.log(`page errors: ${errors.join('; ')}`);
  mkdirSync('.bench', { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
} finally {
  await browser.close();
  fleetlake.process.kill('SIGINT');
  await fleetlake.exited;
  rmSync(dataDir, { recursive: true, force: true });
}
