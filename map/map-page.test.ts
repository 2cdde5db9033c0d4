import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClickHouse, queryRows, type ClickHouse } from '../core/clickhouse.ts';
import { loadConfig } from '../core/config.ts';
import { dateTimeParam, multiPolygonParam } from '../queries/param-text.ts';
import { createApiKey } from '../queries/auth/api-key-store.ts';
import type { Scope } from '../queries/auth/scopes.ts';
import { openApiTestLake, type ApiTestLake } from '../queries/testing/api-lake.ts';
import { launchChromium, type Browser } from '../test-support/chromium.ts';
import { spawnFleetlake, type FleetlakeChild } from '../test-support/spawn-fleetlake.ts';
import type { LivePosition } from '../queries/live-feed.ts';
import { until } from '../test-support/until.ts';

/** Screenshots of each state, for a person to look at (gitignored). */
const ARTEFACTS = fileURLToPath(new URL('../.artifacts/map/', import.meta.url));
const VEHICLES = 120;
/** The machine is shared and often loaded: a page may take seconds to show what it got. */
const SLOW = { timeout: 20_000 };

interface FleetlakeWindow {
  fleetlake: {
    map: import('maplibre-gl').Map;
    live: { drawnIds(): string[]; vehicle(id: string): LivePosition | undefined };
    ask: { ring: [number, number][] | undefined; selected: string | undefined };
  };
}
type PageWindow = Window & FleetlakeWindow;

/**
 * The map page in real Chromium against `fleetlake start` (the real
 * generator, ingest and lake in a process of its own); the key prompt against
 * the same lake served by `buildApp`, as `fleetlake serve` does, behind a
 * stand-in for API keys.
 */
describe('the map page in Chromium', () => {
  let dataDir: string;
  let fleetlake: FleetlakeChild;
  let apiUrl: string;
  let lake: ClickHouse;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const api = async <T>(path: string, init?: RequestInit) => (await (await fetch(`${apiUrl}${path}`, init)).json()) as T;
  const shot = (name: string, target: Page = page) => target.screenshot({ path: join(ARTEFACTS, `${name}.png`) });

  beforeAll(async () => {
    mkdirSync(ARTEFACTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'fleetlake-map-'));
    fleetlake = spawnFleetlake(['start', '--vehicles', String(VEHICLES), '--interval', '1s', '--port', '0', '--clickhouse-http-port', '0'], {
      KAFKA_BROKERS: '',
      FLEETLAKE_LOG_LEVEL: 'warn',
      FLEETLAKE_DATA_DIR: dataDir,
    });
    apiUrl = await until(() => /fleetlake is running: (\S+)/.exec(fleetlake.output())?.[1], 90_000, () => `no start:\n${fleetlake.output()}`);
    const lakeUrl = await until(() => /over ClickHouse HTTP: (\S+)/.exec(fleetlake.output())?.[1], 10_000, () => fleetlake.output());
    lake = openClickHouse(loadConfig({ env: { CLICKHOUSE_URL: lakeUrl } }));
    await until(async () => ((await api<{ vehicles: unknown[] }>('/v1/vehicles/latest?limit=10000')).vehicles.length === VEHICLES ? true : undefined), 60_000, () => 'not every vehicle reported');
    browser = await launchChromium();
    page = await browser.context.newPage();
    watchConsole(page, consoleErrors);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await lake?.close();
    if (fleetlake && fleetlake.process.exitCode === null) {
      fleetlake.process.kill('SIGINT');
      await fleetlake.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  }, 90_000);

  it('draws as many live vehicles as /v1/vehicles/latest has, and a clicked one shows its details and last hour', async () => {
    // The status page of `fleetlake start` leads to the map.
    await page.goto(apiUrl);
    await page.click('a[href="/map"]');
    const latest = await api<{ vehicles: LivePosition[] }>('/v1/vehicles/latest?limit=10000');
    const drawn = await until(
      () =>
        page.evaluate((n) => {
          const { map, live } = (window as unknown as PageWindow).fleetlake ?? {};
          if (!map?.loaded()) return undefined;
          // The vehicles the WebGL layer drew in its last frame.
          const rendered = live.drawnIds();
          return rendered.length === n ? rendered.sort() : undefined;
        }, latest.vehicles.length),
      30_000,
      () => 'the page never drew every vehicle',
    );
    expect(drawn).toEqual(latest.vehicles.map((v) => v.vehicle_id).sort());
    await expect.poll(() => page.textContent('#live-status'), SLOW).toContain(`${VEHICLES} vehicles live`);
    await shot('1-live');

    const target = await page.evaluate(() => {
      const { map, live } = (window as unknown as PageWindow).fleetlake;
      const vehicle = live.vehicle(live.drawnIds()[0]!)!;
      const point = map.project([vehicle.lon, vehicle.lat]);
      const box = map.getCanvas().getBoundingClientRect();
      return { id: vehicle.vehicle_id, x: box.left + point.x, y: box.top + point.y };
    });
    await page.mouse.click(target.x, target.y);
    const popup = page.locator('.vehicle-info');
    await expect.poll(() => popup.textContent(), SLOW).toMatch(/Vehicle: v-\d+Type: \w+Speed: [\d.]+ km\/hLast seen: .+ UTC/);
    await expect.poll(() => trackPoints(page), SLOW).toBeGreaterThan(1);
    await shot('2-vehicle');
  });

  /** A closed period of stored positions, set by the first area query. */
  let fromMs: number;
  let toMs: number;
  const areaQuery = (area: unknown) =>
    api<{ vehicles: { vehicle_id: string }[] }>('/v1/area-query', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ area, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), moving_only: false, limit: 10_000 }),
    });
  const listedOn = (target: Page) => target.locator('#results tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.vehicle!));
  /** Tab until the element with this id has the focus. */
  const tabTo = async (target: Page, id: string) => {
    for (let i = 0; i < 100; i++) {
      if ((await target.evaluate(() => document.activeElement?.id)) === id) return;
      await target.keyboard.press('Tab');
    }
    throw new Error(`Tab never reached #${id}`);
  };
  const answered = (target: Page) => until(() => target.evaluate(() => (document.getElementById('stats')!.textContent!.includes('rows read') ? true : undefined)), 30_000, () => 'no answer');

  describe('asking the lake', () => {
    let listed: string[];
    let drawn: [number, number][];

    it('lists exactly the vehicles POST /v1/area-query gives for the polygon drawn on the page', async () => {
      // A closed period before the newest stored position (the lake's clock, not this process's), so ingest has
      // stored all of it and later positions change nothing; whole seconds, as the page's inputs take them.
      const span = await until(
        async () => {
          const [row] = await queryRows<{ oldest: string; newest: string }>(lake.reader, 'SELECT min(ts) AS oldest, max(ts) AS newest FROM fleet.positions');
          const [oldest, newest] = [row!.oldest, row!.newest].map((ts) => Date.parse(`${ts.replace(' ', 'T')}Z`));
          return newest! - oldest! >= 50_000 ? newest : undefined;
        },
        90_000,
        () => 'the lake never held 50 s of positions',
      );
      toMs = Math.floor(span / 1000) * 1000 - 3_000;
      fromMs = toMs - 40_000;
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      await page.fill('#from', new Date(fromMs).toISOString().slice(0, 19));
      await page.fill('#to', new Date(toMs).toISOString().slice(0, 19));
      await page.uncheck('#moving');
      await page.click('#draw');
      const box = (await page.locator('#map canvas').boundingBox())!;
      for (const [x, y] of [[0.25, 0.25], [0.75, 0.3], [0.7, 0.75], [0.3, 0.7], [0.25, 0.25]] as const) {
        await page.mouse.click(box.x + box.width * x, box.y + box.height * y);
        await page.waitForTimeout(150);
      }
      const ring = await until(() => page.evaluate(() => (window as unknown as PageWindow).fleetlake.ask.ring), 5_000, () => 'no polygon was drawn');
      drawn = ring;
      await page.click('#run');
      await until(() => page.evaluate(() => (document.querySelectorAll('#results tbody tr').length > 0 ? true : undefined)), 20_000, () => 'no results listed');
      listed = await page.locator('#results tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.vehicle!));

      const answer = await areaQuery({ type: 'Polygon', coordinates: [ring] });
      expect(listed.length).toBeGreaterThan(0);
      expect(listed).toEqual(answer.vehicles.map((v) => v.vehicle_id));
      expect(await page.textContent('#stats')).toMatch(new RegExp(`^${listed.length} vehicles · [\\d,]+ rows read in \\d+ ms · [\\d,]+ H3 cells`));
      expect(new URL(page.url()).searchParams.get('area')).toMatch(/^-73\.\d+,45\.\d+;/);
      await shot('3-area-query');
    });

    it('shows the track of a clicked result in the period', async () => {
      const id = listed[0]!;
      await page.click(`#results tbody tr[data-vehicle="${id}"] button`);
      const track = await api<{ properties: { points: number } }>(`/v1/vehicles/${id}/track?from=${new Date(fromMs).toISOString()}&to=${new Date(toMs).toISOString()}`);
      await expect.poll(() => page.evaluate(() => document.getElementById('stats')!.dataset.track), SLOW).toBe(`${id}:${track.properties.points}`);
      expect(await trackPoints(page)).toBe(track.properties.points);
      expect(new URL(page.url()).searchParams.get('vehicle')).toBe(id);
      await shot('4-track');
    });

    it('replays: at a chosen instant each result vehicle is where the lake last had it inside the area', async () => {
      await expect.poll(() => page.locator('#play').isEnabled(), { timeout: 30_000 }).toBe(true);
      const instant = toMs - 9_000;
      await page.locator('#replay-time').evaluate((slider, t) => {
        (slider as HTMLInputElement).value = String(t);
        slider.dispatchEvent(new Event('input'));
      }, instant);
      const shown = await page.evaluate(async () => {
        const source = (window as unknown as PageWindow).fleetlake.map.getSource('replay') as import('maplibre-gl').GeoJSONSource;
        const data = (await source.getData()) as GeoJSON.FeatureCollection<GeoJSON.Point>;
        return data.features.map((f) => [f.properties!.vehicle_id as string, ...f.geometry.coordinates] as [string, number, number]).sort();
      });
      const stored = await queryRows<{ vehicle_id: string; lon: number; lat: number }>(
        lake.reader,
        `SELECT vehicle_id, toFloat64(argMax(lon, ts)) AS lon, toFloat64(argMax(lat, ts)) AS lat FROM fleet.positions AS p
         WHERE ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')} AND ts <= {at:DateTime64(3, 'UTC')}
           AND pointInPolygon((toFloat64(p.lon), toFloat64(p.lat)), {area:MultiPolygon})
         GROUP BY vehicle_id ORDER BY vehicle_id`,
        // The replay plays the answer's positions (POST /v1/area-query/positions): the ones inside the drawn area, every speed.
        { from: dateTimeParam(fromMs), to: dateTimeParam(toMs), at: dateTimeParam(instant), area: multiPolygonParam([[drawn]]) },
      );
      const expected = stored.filter((r) => listed.includes(r.vehicle_id)).map((r) => [r.vehicle_id, r.lon, r.lat]);
      expect(expected.length).toBeGreaterThan(0);
      expect(shown).toEqual(expected);
      // The track shown before is framed close up; the replay is seen best over the whole area.
      await page.evaluate(() => {
        const { map, ask } = (window as unknown as PageWindow).fleetlake;
        const lons = ask.ring!.map((p) => p[0]);
        const lats = ask.ring!.map((p) => p[1]);
        map.fitBounds([Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)], { duration: 0, padding: 20 });
      });
      await page.waitForTimeout(500);
      await shot('5-replay');

      await page.click('#play');
      await expect.poll(() => page.evaluate(() => Number(document.getElementById('replay-clock')!.dataset.instant)), SLOW).toBeGreaterThan(instant);
      await page.click('#play');
    });

    it('shades the heatmap of the period and the H3 grid', async () => {
      await page.check('#show-heatmap');
      await page.check('#show-grid');
      await expect.poll(() => page.evaluate(() => (window as unknown as PageWindow).fleetlake.map.queryRenderedFeatures({ layers: ['heatmap'] }).length), SLOW).toBeGreaterThan(0);
      await expect.poll(() => page.evaluate(() => (window as unknown as PageWindow).fleetlake.map.queryRenderedFeatures({ layers: ['grid'] }).length), SLOW).toBeGreaterThan(0);
      await shot('6-heatmap-grid');
    });

    it('reproduces the view from its link', async () => {
      const link = page.url();
      const again = await browser.context.newPage();
      watchConsole(again, consoleErrors);
      await again.goto(link);
      await until(() => again.evaluate(() => (document.querySelectorAll('#results tbody tr').length > 0 ? true : undefined)), 20_000, () => 'the link did not rerun the query');
      expect(await again.locator('#results tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.vehicle!))).toEqual(listed);
      expect(await again.locator('#results tr[aria-selected="true"]').getAttribute('data-vehicle')).toBe(listed[0]);
      await again.close();
    });

    it('draws a polygon with the keyboard alone and lists exactly what POST /v1/area-query gives for it', async () => {
      await page.evaluate(() => {
        (document.activeElement as HTMLElement | null)?.blur();
        document.getElementById('stats')!.textContent = '';
      });
      await tabTo(page, 'draw');
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => document.activeElement === (window as unknown as PageWindow).fleetlake.map.getCanvas())).toBe(true);
      // The middle half of the view: a quarter of it left and up from the middle, then round.
      const corners = [['Shift+ArrowLeft', 'Shift+ArrowUp'], ['Shift+ArrowRight', 'Shift+ArrowRight'], ['Shift+ArrowDown', 'Shift+ArrowDown'], ['Shift+ArrowLeft', 'Shift+ArrowLeft']];
      for (const keys of corners) {
        for (const key of keys) await page.keyboard.press(key);
        await page.keyboard.press('Space');
      }
      expect(await page.textContent('#draw-help')).toMatch(/^4 corners; crosshair at/);
      await shot('7-keyboard-drawing');
      await page.keyboard.press('Enter');
      const ring = (await page.evaluate(() => (window as unknown as PageWindow).fleetlake.ask.ring))!;
      expect(ring).toHaveLength(5);
      expect(ring[4]).toEqual(ring[0]);
      // Enter closed the polygon and left the focus on Ask.
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('run');
      await page.keyboard.press('Enter');
      await answered(page);
      const drawn = await listedOn(page);
      expect(drawn.length).toBeGreaterThan(0);
      expect(drawn).toEqual((await areaQuery({ type: 'Polygon', coordinates: [ring] })).vehicles.map((v) => v.vehicle_id));
      await shot('8-keyboard-area');
    });
  });

  it('picks a district and asks by keyboard alone at phone size, listing exactly what POST /v1/area-query gives', async () => {
    // The busiest district of the period, so the list has something to compare.
    const { districts } = await api<{ districts: { id: string }[] }>('/v1/districts');
    let busiest = { id: '', vehicles: [] as string[] };
    for (const d of districts) {
      const vehicles = (await areaQuery({ district_id: d.id })).vehicles.map((v) => v.vehicle_id);
      if (vehicles.length > busiest.vehicles.length) busiest = { id: d.id, vehicles };
    }
    expect(busiest.vehicles.length).toBeGreaterThan(0);

    const phone = await browser.context.newPage();
    watchConsole(phone, consoleErrors);
    await phone.setViewportSize({ width: 390, height: 844 });
    // The period comes in the link; everything else by keyboard.
    const input = (ms: number) => new Date(ms).toISOString().slice(0, 19);
    await phone.goto(`${apiUrl}/map?from=${input(fromMs)}&to=${input(toMs)}&moving=0`);
    await expect.poll(() => phone.textContent('#live-status'), { timeout: 30_000 }).toContain('vehicles live');
    // Each part of a date-time field takes a Tab of its own.
    const reached: string[] = [];
    while (!reached.includes('run') && reached.length < 100) {
      await phone.keyboard.press('Tab');
      reached.push(await phone.evaluate(() => document.activeElement?.id ?? ''));
    }
    expect(reached).toEqual(expect.arrayContaining(['district', 'draw', 'from', 'to', 'moving', 'run']));
    await tabTo(phone, 'district');
    for (let i = 0; i <= districts.length && (await phone.inputValue('#district')) !== busiest.id; i++) await phone.keyboard.press('ArrowDown');
    expect(await phone.inputValue('#district')).toBe(busiest.id);
    await tabTo(phone, 'run');
    await phone.keyboard.press('Enter');
    await answered(phone);
    expect(await listedOn(phone)).toEqual(busiest.vehicles);
    await shot('9-phone-district', phone);
    await phone.locator('#results').scrollIntoViewIfNeeded();
    await shot('9b-phone-results', phone);
    await phone.close();
  });

  it('logs no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});

/**
 * The key prompt against the real API keys: an app with api.auth = required
 * and a rate limit, over an in-process lake of generated positions, as
 * `fleetlake serve` runs it.
 */
describe('the map page with API keys required', () => {
  const RATE_LIMIT = 5;
  const LAKE_VEHICLES = 12;
  let t: ApiTestLake;
  let url: string;
  let browser: Browser;
  const keys: Record<'good' | 'readOnly' | 'busy', string> = { good: '', readOnly: '', busy: '' };

  beforeAll(async () => {
    mkdirSync(ARTEFACTS, { recursive: true });
    t = await openApiTestLake({ vehicles: LAKE_VEHICLES, hours: 1 });
    const create = async (name: string, scopes: Scope[]) => (await createApiKey(t.lake.ch.client, { name, scopes, now: t.nowMs - 1000 })).key;
    keys.good = await create('map-good', ['read', 'live']);
    keys.readOnly = await create('map-read-only', ['read']);
    keys.busy = await create('map-busy', ['read', 'live']);
    const app = await t.buildApp({ auth: 'required', rate_limit: RATE_LIMIT, rate_window: '10m' });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  }, 60_000);

  it('asks for a key on 401, sends it as a Bearer token, and says plainly what 403 and 429 mean', async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    watchConsole(page, errors);
    const shot = (name: string) => page.screenshot({ path: join(ARTEFACTS, `${name}.png`) });
    const useKey = async (key: string) => {
      await page.evaluate((k) => sessionStorage.setItem('fleetlake.api_key', k), key);
      await page.reload();
    };

    await page.goto(`${url}/map`);
    await expect.poll(() => page.locator('#key-dialog').isVisible(), SLOW).toBe(true);
    expect(await page.textContent('#key-reason')).toBe(
      '401 (a key is needed): send an API key as Authorization: Bearer <key> (fleetlake keys create makes one) (API_UNAUTHORIZED).',
    );
    await shot('10-key-prompt');

    // The districts need read, which this key has; the live stream needs live.
    await page.fill('#key-input', keys.readOnly);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('#problem'), SLOW).toBe(
      '403 (this key may not do that): this API key lacks the live scope that GET /v1/live needs: create a key with --scopes live (API_FORBIDDEN).',
    );
    expect(await page.locator('#key-dialog').isVisible()).toBe(false);
    await shot('11-forbidden');

    for (let i = 0; i < RATE_LIMIT; i++) {
      expect((await fetch(`${url}/v1/districts`, { headers: { authorization: `Bearer ${keys.busy}` } })).status).toBe(200);
    }
    await useKey(keys.busy);
    await expect.poll(() => page.textContent('#problem'), SLOW).toMatch(
      new RegExp(`^429 \\(too many requests\\): more than ${RATE_LIMIT} requests in 10m with this key \\(api\\.rate_limit\\); retry after .+ \\(API_RATE_LIMITED\\)\\. Retry in \\d+ s\\.$`),
    );

    // The lake's positions are from 2025, so every vehicle is live and none seen lately.
    await useKey(keys.good);
    await expect.poll(() => page.textContent('#live-status'), { timeout: 30_000 }).toBe(`${LAKE_VEHICLES} vehicles live, ${LAKE_VEHICLES} not seen lately`);
    expect(await page.locator('#problem').isHidden()).toBe(true);
    await page.close();
    // The browser reports each refused request as an error; nothing else may appear.
    expect(errors.filter((e) => !/status of (401|403|429)/.test(e))).toEqual([]);
  });
});

function watchConsole(page: Page, errors: string[]): void {
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  page.on('pageerror', (error) => errors.push(error.message));
}

/** Points of the track the page draws for the selected vehicle. */
async function trackPoints(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const source = (window as unknown as PageWindow).fleetlake.map.getSource('track') as import('maplibre-gl').GeoJSONSource;
    const data = (await source.getData()) as GeoJSON.Feature | GeoJSON.FeatureCollection;
    if (data.type !== 'Feature' || !data.geometry) return 0;
    return data.geometry.type === 'LineString' ? data.geometry.coordinates.length : 1;
  });
}
