import type { Map as MapLibreMap } from 'maplibre-gl';
import type { LivePosition } from '../../queries/live-feed.ts';
import { ApiProblem, apiFetch } from './api.ts';
import { byId, cell } from './dom.ts';
import { readEventStream } from './event-stream.ts';
import { boxOf, insideMultiPolygon, type Box, type MultiPolygon } from './geometry.ts';
import { setData } from './map-layers.ts';


export interface District {
  readonly id: string;
  readonly name: string;
  readonly polygons: MultiPolygon;
  readonly box: Box;
}

export function district(id: string, name: string, polygons: MultiPolygon): District {
  return { id, name, polygons, box: boxOf(polygons) };
}

const RECONNECT_MS = 2_000;
/**
 * The fleet is redrawn at most this often. Each vehicle reports about once a
 * second, but the feed may send several smaller batches a second (in
 * `fleetlake start` it reads after every ingested batch too), and each redraw
 * hands every vehicle to MapLibre's worker again: the costliest thing the page
 * does (bench:map).
 */
const DRAW_INTERVAL_MS = 1_000;

/**
 * The live fleet: applies GET /v1/live's events to one vehicle map and draws
 * it at most once per DRAW_INTERVAL_MS, however often events come. A vehicle
 * last seen more than staleAfterMs ago is drawn grey and counted in no
 * district.
 */
export class LiveView {
  readonly vehicles = new Map<string, LivePosition>();
  /** Each vehicle's ts in ms, parsed once per event rather than once per drawing. */
  private readonly seenMs = new Map<string, number>();
  private drawPending = false;
  private lastDraw = 0;
  private countsDue = 0;
  private connected = false;

  constructor(
    private readonly map: MapLibreMap,
    private readonly districts: readonly District[],
    private readonly staleAfterMs: number,
    private readonly onCounts: (counts: ReadonlyMap<string, number>) => void,
  ) {
    // Vehicles go stale with no event at all.
    setInterval(() => this.scheduleDraw(), 5_000);
  }

  /** Follows the stream for good, reconnecting after a drop or a failed answer. */
  async follow(): Promise<void> {
    for (;;) {
      try {
        const response = await apiFetch('/v1/live', { headers: { accept: 'text/event-stream' } });
        await readEventStream(response.body!, (event) => {
          if (event.event === 'problem') return this.status(`live feed: ${(JSON.parse(event.data) as { message: string }).message}`);
          if (event.event !== 'snapshot' && event.event !== 'changes') return;
          const { positions } = JSON.parse(event.data) as { positions: LivePosition[] };
          if (event.event === 'snapshot') {
            this.vehicles.clear();
            this.seenMs.clear();
          }
          for (const p of positions) {
            this.vehicles.set(p.vehicle_id, p);
            this.seenMs.set(p.vehicle_id, Date.parse(p.ts));
          }
          this.connected = true;
          this.scheduleDraw();
        });
      } catch (err) {
        // 401 cancelled or 403/429: the banner says so; try again later.
        if (!(err instanceof ApiProblem)) this.status(`live feed lost (${(err as Error).message}); reconnecting`);
      }
      this.connected = false;
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
    }
  }

  private scheduleDraw(): void {
    if (this.drawPending) return;
    this.drawPending = true;
    const wait = Math.max(0, this.lastDraw + DRAW_INTERVAL_MS - performance.now());
    setTimeout(
      () =>
        requestAnimationFrame(() => {
          this.drawPending = false;
          this.lastDraw = performance.now();
          this.draw();
        }),
      wait,
    );
  }

  private draw(): void {
    const now = Date.now();
    const features: GeoJSON.Feature[] = [];
    let stale = 0;
    for (const v of this.vehicles.values()) {
      const isStale = now - this.seenMs.get(v.vehicle_id)! > this.staleAfterMs;
      if (isStale) stale++;
      features.push({
        type: 'Feature',
        id: features.length,
        geometry: { type: 'Point', coordinates: [v.lon, v.lat] },
        properties: { vehicle_id: v.vehicle_id, vehicle_type: v.vehicle_type, heading_deg: v.heading_deg, stale: isStale },
      });
    }
    setData(this.map, 'vehicles', { type: 'FeatureCollection', features });
    if (this.connected) this.status(`${this.vehicles.size.toLocaleString('en')} vehicles live${stale > 0 ? `, ${stale.toLocaleString('en')} not seen lately` : ''}`);
    // Counting is the costly part (every vehicle against every district): at most every two seconds.
    if (now >= this.countsDue) {
      this.countsDue = now + 2_000;
      this.onCounts(this.countByDistrict(now));
    }
  }

  private countByDistrict(now: number): Map<string, number> {
    const counts = new Map(this.districts.map((d) => [d.id, 0]));
    for (const v of this.vehicles.values()) {
      if (now - this.seenMs.get(v.vehicle_id)! > this.staleAfterMs) continue;
      for (const d of this.districts) {
        const b = d.box;
        if (v.lon < b.minLon || v.lon > b.maxLon || v.lat < b.minLat || v.lat > b.maxLat) continue;
        if (insideMultiPolygon(v.lon, v.lat, d.polygons)) {
          counts.set(d.id, (counts.get(d.id) ?? 0) + 1);
          break;
        }
      }
    }
    return counts;
  }

  private status(text: string): void {
    byId('live-status').textContent = text;
  }
}

export function renderDistrictCounts(districts: readonly District[], counts: ReadonlyMap<string, number>): void {
  const body = byId('district-counts').querySelector('tbody')!;
  body.replaceChildren(
    ...districts.map((d) => {
      const row = document.createElement('tr');
      row.append(cell(d.name), cell(String(counts.get(d.id) ?? 0), 'num'));
      return row;
    }),
  );
}
