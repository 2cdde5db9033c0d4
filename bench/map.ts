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
 * - where the frame time goes: CPU time of the page's main thread (its JS, style and
 *   layout, from CDP Performance.getMetrics) and of Chromium's renderer and GPU
 *   processes (/proc; the GPU process rasterises WebGL in software here), per
 *   second and per frame; --profile adds the main thread's top functions;
 * - the floor software rendering sets: frames while the map repaints every
 *   frame, with the fleet and with an empty map of the same size.
 * The bundle is built (a first request does that) before the page is opened, and
 * its build time is given apart. Smoke run: --vehicles 2000 --seconds 5
 * --area-vehicles 300 --history 20
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CDPSession, Page } from 'playwright-core';
import { launchChromium } from '../test-support/chromium.ts';
import { spawnFleetlake } from '../test-support/spawn-fleetlake.ts';
import { until } from '../test-support/until.ts';
import { chromiumCpu } from './chromium-cpu.ts';
import { describeMachine } from './machine.ts';

const { values: args } = parseArgs({
  options: {
    vehicles: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '30' },
    'area-vehicles': { type: 'string', default: '1000' },
    history: { type: 'string', default: '60' },
    profile: { type: 'boolean', default: false },
    out: { type: 'string', default: '.bench/map-results.json' },
  },
});
const vehicles = Number(args.vehicles);
const seconds = Number(args.seconds);
const areaVehicles = Number(args['area-vehicles']);
const historySeconds = Number(args.history);

/** What the page exposes on window.fleetlake (map/client/main.ts); only what this file touches. */
interface Fleetlake {
  map: { loaded(): boolean; triggerRepaint(): void; isSourceLoaded(id: string): boolean; getBounds(): { getWest(): number; getSouth(): number; getEast(): number; getNorth(): number } };
  live: { drawnCount(): number };
  ask: { renderAnswer(answer: unknown): void };
  replay: { showTracks(tracks: unknown[]): void };
  tracksFromPositions(positions: unknown[], keep: (vehicleId: string) => boolean): unknown[];
  /** Tracks of the answer the map has drawn; undefined until it has drawn the newest. */
  resultTracksDrawn(): number | undefined;
}
type BenchWindow = Window & { fleetlake: Fleetlake };

interface FrameWindow {
  readonly frames: number;
  readonly frame_ms: { p50: number; p95: number; max: number };
  readonly long_tasks: { count: number; total_ms: number };
  /** CPU ms per second of the window: the page's main thread (all its tasks; of them, script), Chromium's processes. */
  readonly cpu_ms_per_s: { main_thread: number; script: number; renderer: number; gpu: number };
  /** The same per frame drawn. */
  readonly cpu_ms_per_frame: { main_thread: number; script: number; gpu: number };
  readonly top_functions?: string[];
}

const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');
console.log(`bench:map — ${vehicles.toLocaleString('en')} vehicles every 1 s, ${seconds} s of frames, an area query of ${areaVehicles} vehicles`);
console.log(`machine: ${describeMachine()}; load average ${load()}\n`);

/**
 * requestAnimationFrame intervals for ms, with the main thread's and
 * Chromium's CPU over the same window; repaint makes the map draw every
 * frame (what the raster costs), otherwise it draws when the page asks.
 */
async function measureFrames(page: Page, cdp: CDPSession, ms: number, options: { repaint: boolean; profile: boolean }): Promise<FrameWindow> {
  const metrics = async () => Object.fromEntries(((await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }).metrics.map((m) => [m.name, m.value]));
  if (options.profile) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  const before = { metrics: await metrics(), chromium: chromiumCpu(), at: performance.now() };
  const frames = await page.evaluate(
    ({ ms, repaint }) =>
      new Promise<{ intervals: number[]; longTasks: number[] }>((resolve) => {
        const map = (window as unknown as BenchWindow).fleetlake?.map;
        const intervals: number[] = [];
        const longTasks: number[] = [];
        const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push(e.duration)));
        observer.observe({ type: 'longtask' });
        let last = performance.now();
        const end = last + ms;
        const tick = (now: number) => {
          intervals.push(now - last);
          last = now;
          if (repaint) map?.triggerRepaint();
          if (now < end) requestAnimationFrame(tick);
          else {
            observer.disconnect();
            resolve({ intervals, longTasks });
          }
        };
        requestAnimationFrame(tick);
      }),
    { ms, repaint: options.repaint },
  );
  const after = { metrics: await metrics(), chromium: chromiumCpu(), at: performance.now() };
  const wallS = (after.at - before.at) / 1000;
  const delta = (name: string) => ((after.metrics[name] ?? 0) - (before.metrics[name] ?? 0)) * 1000;
  const cpu = { main_thread: delta('TaskDuration'), script: delta('ScriptDuration'), renderer: after.chromium.renderer - before.chromium.renderer, gpu: after.chromium.gpu - before.chromium.gpu };
  const sorted = [...frames.intervals].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
  const round = (n: number) => +n.toFixed(1);
  const result: FrameWindow = {
    frames: sorted.length,
    frame_ms: { p50: round(pct(50)), p95: round(pct(95)), max: round(sorted.at(-1) ?? 0) },
    long_tasks: { count: frames.longTasks.length, total_ms: Math.round(frames.longTasks.reduce((a, b) => a + b, 0)) },
    cpu_ms_per_s: { main_thread: round(cpu.main_thread / wallS), script: round(cpu.script / wallS), renderer: round(cpu.renderer / wallS), gpu: round(cpu.gpu / wallS) },
    cpu_ms_per_frame: { main_thread: round(cpu.main_thread / sorted.length), script: round(cpu.script / sorted.length), gpu: round(cpu.gpu / sorted.length) },
  };
  if (!options.profile) return result;
  const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
  return { ...result, top_functions: topFunctions(profile, 15) };
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** The functions the main thread spent most self time in, from a CDP CPU profile. */
function topFunctions(profile: CpuProfile, n: number): string[] {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byNode.get(id);
    const name = frame ? `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop() ?? ''}:${frame.lineNumber + 1}:${frame.columnNumber + 1}` : '?';
    self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, ms]) => `${ms.toFixed(0).padStart(6)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${name}`);
}

function describeWindow(label: string, w: FrameWindow): string {
  return (
    `${label}: ${w.frames} frames, p50 ${w.frame_ms.p50} ms, p95 ${w.frame_ms.p95} ms, max ${w.frame_ms.max} ms; long tasks ${w.long_tasks.count} (${w.long_tasks.total_ms} ms)\n` +
    `  CPU per second: main thread ${w.cpu_ms_per_s.main_thread} ms (script ${w.cpu_ms_per_s.script}), renderer process ${w.cpu_ms_per_s.renderer} ms, GPU process ${w.cpu_ms_per_s.gpu} ms; ` +
    `per frame: main thread ${w.cpu_ms_per_frame.main_thread} ms (script ${w.cpu_ms_per_frame.script}), GPU ${w.cpu_ms_per_frame.gpu} ms` +
    (w.top_functions ? `\n  main thread's top functions (self time):\n    ${w.top_functions.join('\n    ')}` : '')
  );
}

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
  // History for the area query's tracks.
  await new Promise((resolve) => setTimeout(resolve, historySeconds * 1000));

  // The API builds the page's bundle on the first request: timed apart from the page's own first render.
  const buildStarted = performance.now();
  await (await fetch(`${apiUrl}/map/app.js`)).text();
  const bundleBuildMs = performance.now() - buildStarted;

  const page = await browser.context.newPage();
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('Performance.enable');
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
          if (f && f.live.drawnCount() >= n) resolve(performance.now());
          else requestAnimationFrame(check);
        };
        check();
      }),
    vehicles,
  );

  // Where the first render's time went: when the page's files and answers arrived and its own marks (main.ts, live-view.ts).
  const firstRenderParts = await page.evaluate(() => {
    const parts: Record<string, number> = {};
    for (const e of performance.getEntriesByType('resource')) {
      const path = new URL(e.name).pathname;
      if (['/map/app.js', '/map/live-worker.js', '/v1/districts'].includes(path)) parts[`${path} received`] = Math.round((e as PerformanceResourceTiming).responseEnd);
    }
    for (const e of performance.getEntriesByType('mark')) parts[e.name] = Math.round(e.startTime);
    return parts;
  });
  const live = await measureFrames(page, cdp, seconds * 1000, { repaint: false, profile: args.profile });
  const liveRepaint = await measureFrames(page, cdp, Math.min(seconds, 10) * 1000, { repaint: true, profile: false });

  // The API's part first, kept in the page; then the page's part alone, with the CPU it takes.
  const asked = await page.evaluate(async (limit) => {
    const f = (window as unknown as BenchWindow).fleetlake;
    const b = f.map.getBounds();
    const ring = [[b.getWest(), b.getSouth()], [b.getEast(), b.getSouth()], [b.getEast(), b.getNorth()], [b.getWest(), b.getNorth()], [b.getWest(), b.getSouth()]];
    const to = new Date(Date.now() - 2_000).toISOString();
    const from = new Date(Date.now() - 62_000).toISOString();
    const request = { area: { type: 'Polygon', coordinates: [ring] }, from, to, moving_only: false };
    const started = performance.now();
    const answer = (await (await fetch('/v1/area-query', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...request, limit }) })).json()) as { vehicles: { vehicle_id: string }[] };
    // The tracks as the page's replay loads them: every position of the answer in one request.
    const text = await (await fetch('/v1/area-query/positions', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/x-ndjson' }, body: JSON.stringify(request) })).text();
    const positions = text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as unknown);
    Object.assign(window, { benchArea: { answer, positions } });
    const points = positions.length;
    return { vehicles: answer.vehicles.length, points, apiMs: performance.now() - started };
  }, areaVehicles);
  const areaCpuBefore = { metrics: await cdp.send('Performance.getMetrics'), chromium: chromiumCpu() };
  const drawn = await page.evaluate(async () => {
    const f = (window as unknown as BenchWindow).fleetlake;
    const { answer, positions } = (window as unknown as { benchArea: { answer: { vehicles: { vehicle_id: string }[] }; positions: unknown[] } }).benchArea;
    const started = performance.now();
    f.ask.renderAnswer(answer);
    // The table's rows are built; the next frame lays them out and paints them.
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const listMs = performance.now() - started;
    const listed = new Set(answer.vehicles.map((v) => v.vehicle_id));
    f.replay.showTracks(f.tracksFromPositions(positions, (id) => listed.has(id)));
    await new Promise<void>((resolve) => {
      const check = () => (f.resultTracksDrawn() !== undefined && f.map.isSourceLoaded('replay') ? requestAnimationFrame(() => resolve()) : requestAnimationFrame(check));
      requestAnimationFrame(check);
    });
    return { listMs, renderMs: performance.now() - started };
  });
  const areaCpuAfter = { metrics: await cdp.send('Performance.getMetrics'), chromium: chromiumCpu() };
  const metric = (m: { metrics: { name: string; value: number }[] }, name: string) => m.metrics.find((x) => x.name === name)?.value ?? 0;
  const areaCpu = {
    main_thread: Math.round((metric(areaCpuAfter.metrics, 'TaskDuration') - metric(areaCpuBefore.metrics, 'TaskDuration')) * 1000),
    script: Math.round((metric(areaCpuAfter.metrics, 'ScriptDuration') - metric(areaCpuBefore.metrics, 'ScriptDuration')) * 1000),
    gpu: Math.round(areaCpuAfter.chromium.gpu - areaCpuBefore.chromium.gpu),
  };
  const area = { ...asked, ...drawn };
  await page.close();

  // The floor: the same page, same size, with an empty fleet, repainting every frame.
  const empty = await browser.context.newPage();
  const emptyCdp = await browser.context.newCDPSession(empty);
  await emptyCdp.send('Performance.enable');
  await empty.addInitScript('globalThis.__name = (fn) => fn;');
  await empty.route('**/v1/live', (route) => route.fulfill({ status: 200, contentType: 'text/event-stream', body: 'event: snapshot\ndata: {"positions":[]}\n\n' }));
  await empty.goto(`${apiUrl}/map`);
  await until(() => empty.evaluate(() => ((window as unknown as BenchWindow).fleetlake?.map.loaded() ? true : undefined)), 30_000, () => 'the empty map never loaded');
  const emptyRepaint = await measureFrames(empty, emptyCdp, Math.min(seconds, 10) * 1000, { repaint: true, profile: false });
  await empty.close();

  const results = {
    vehicles,
    seconds,
    bundle_build_ms: Math.round(bundleBuildMs),
    first_render_ms: Math.round(firstRenderMs),
    first_render_parts_ms: firstRenderParts,
    live,
    live_repaint_every_frame: liveRepaint,
    empty_map_repaint_every_frame: emptyRepaint,
    area: { vehicles: area.vehicles, track_points: area.points, api_ms: Math.round(area.apiMs), list_ms: Math.round(area.listMs), render_ms: Math.round(area.renderMs), cpu_ms: areaCpu },
    page_errors: errors,
    load_average_end: load(),
    machine: describeMachine(),
  };
  console.log(`bundle built on first request in ${results.bundle_build_ms} ms`);
  console.log(`first render of the live view: ${results.first_render_ms} ms (target ≤ 2000); on the way, ms from navigation: ${Object.entries(firstRenderParts).sort((a, b) => a[1] - b[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(describeWindow(`live, ${seconds} s (target p95 ≤ 50 ms)`, live));
  console.log(describeWindow('live, repainting every frame', liveRepaint));
  console.log(describeWindow('empty map, repainting every frame', emptyRepaint));
  console.log(`area query: ${area.vehicles} vehicles, ${area.points.toLocaleString('en')} track points; API ${results.area.api_ms} ms, then list + tracks drawn in ${results.area.render_ms} ms (target ≤ 1000), of which the list ${results.area.list_ms} ms; CPU meanwhile: main thread ${areaCpu.main_thread} ms (script ${areaCpu.script}), GPU process ${areaCpu.gpu} ms`);
  if (errors.length > 0) console.log(`page errors: ${errors.join('; ')}`);
  console.log(`load average at the end: ${results.load_average_end}; ${results.machine}`);
  mkdirSync('.bench', { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
} finally {
  await browser.close();
  fleetlake.process.kill('SIGINT');
  await fleetlake.exited;
  rmSync(dataDir, { recursive: true, force: true });
}
