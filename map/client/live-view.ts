import type { Map as MapLibreMap } from 'maplibre-gl';
import type { LivePosition } from '../../queries/live-feed.ts';
import { ApiProblem, apiFetch } from './api.ts';
import { byId, cell } from './dom.ts';
import type { MultiPolygon } from './geometry.ts';
import { GPU_STRIDE, type LiveFrame } from './live-state.ts';
import type { LiveWorkerInput, LiveWorkerOutput } from './live-worker.ts';
import { VehicleLayer } from './vehicle-layer.ts';

export interface District {
  readonly id: string;
  readonly name: string;
  readonly polygons: MultiPolygon;
}

export function district(id: string, name: string, polygons: MultiPolygon): District {
  return { id, name, polygons };
}

const RECONNECT_MS = 2_000;

/**
 * The live fleet: GET /v1/live read here (this thread holds the API key and
 * its prompt) and its bytes handed to a worker (live-worker.ts) that parses
 * them and sends packed frames back; each frame goes straight to the WebGL
 * layer. The main thread neither parses JSON nor builds an object per
 * vehicle, so ten thousand updates a second leave it free to draw.
 */
export class LiveView {
  readonly layer: VehicleLayer;
  private readonly worker = new Worker('/map/live-worker.js', { type: 'module' });
  private frame: LiveFrame | undefined;
  private ids: string[] = [];
  private connected = false;
  private onCounts: (counts: ReadonlyMap<string, number>) => void = () => undefined;

  /** Can start before the map has loaded: frames wait in the layer until attach() adds it. */
  constructor(
    private readonly map: MapLibreMap,
    staleAfterMs: number,
  ) {
    this.layer = new VehicleLayer(staleAfterMs);
    this.worker.onmessage = ({ data }: MessageEvent<LiveWorkerOutput>) => this.received(data);
    this.worker.onerror = (event) => this.status(`live view stopped: its worker failed (${event.message || 'no message'}); reload the page`);
    this.send({ kind: 'start', staleAfterMs });
  }

  /** Draws the fleet on the loaded map, under the given layer. */
  attach(beforeId: string): void {
    this.map.addLayer(this.layer, beforeId);
  }

  /** Counts the live vehicles in these districts from now on. */
  countIn(districts: readonly District[], onCounts: (counts: ReadonlyMap<string, number>) => void): void {
    this.onCounts = onCounts;
    this.send({ kind: 'districts', districts: districts.map((d) => ({ id: d.id, polygons: d.polygons })) });
  }

  /** Vehicles the page holds. */
  get count(): number {
    return this.frame?.count ?? 0;
  }

  /** Vehicles the map drew in its last frame. */
  drawnCount(): number {
    return this.layer.drawn;
  }

  /** The ids of the vehicles the map drew in its last frame (the browser tests check them against the lake). */
  drawnIds(): string[] {
    return this.ids.slice(0, this.layer.drawn);
  }

  vehicle(id: string): LivePosition | undefined {
    const slot = this.ids.indexOf(id);
    return slot < 0 ? undefined : this.at(slot);
  }

  /** The vehicle drawn nearest to a point of the map's canvas, within radius pixels. */
  nearest(point: { x: number; y: number }, radius: number): LivePosition | undefined {
    const frame = this.frame;
    if (!frame) return undefined;
    const lonLat = frame.lonLat;
    let best = -1;
    let bestDistance = radius * radius;
    // Projecting every vehicle costs ~10 ms at 10,000: only on a click, and only those near the point in degrees.
    const near = this.map.unproject([point.x, point.y]);
    const far = this.map.unproject([point.x + radius, point.y + radius]);
    const dLon = Math.abs(far.lng - near.lng);
    const dLat = Math.abs(far.lat - near.lat);
    for (let slot = 0; slot < frame.count; slot++) {
      const lon = lonLat[slot * 2]!;
      const lat = lonLat[slot * 2 + 1]!;
      if (Math.abs(lon - near.lng) > dLon * 2 || Math.abs(lat - near.lat) > dLat * 2) continue;
      const p = this.map.project([lon, lat]);
      const distance = (p.x - point.x) ** 2 + (p.y - point.y) ** 2;
      if (distance <= bestDistance) {
        best = slot;
        bestDistance = distance;
      }
    }
    return best < 0 ? undefined : this.at(best);
  }

  /** Follows the stream for good, reconnecting after a drop or a failed answer. */
  async follow(): Promise<void> {
    for (;;) {
      try {
        const response = await apiFetch('/v1/live', { headers: { accept: 'text/event-stream' } });
        this.send({ kind: 'reset' });
        this.connected = true;
        const reader = response.body!.getReader();
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) this.send({ kind: 'chunk', bytes: chunk.value }, [chunk.value.buffer]);
      } catch (err) {
        // 401 cancelled or 403/429: the banner says so; try again later.
        if (!(err instanceof ApiProblem)) this.status(`live feed lost (${(err as Error).message}); reconnecting`);
      }
      this.connected = false;
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
    }
  }

  private received(message: LiveWorkerOutput): void {
    if (message.kind === 'problem') return this.status(`live feed: ${message.message}`);
    if (message.kind === 'counts') {
      if (this.connected) this.status(`${message.total.toLocaleString('en')} vehicles live${message.stale > 0 ? `, ${message.stale.toLocaleString('en')} not seen lately` : ''}`);
      this.onCounts(new Map(message.byDistrict));
      // Vehicles turn grey as time passes with no event: the layer compares their time with now on each draw.
      this.map.triggerRepaint();
      return;
    }
    // User Timing marks: bench:map splits the first render by them.
    if (!this.frame) performance.mark('fleetlake:first-live-frame');
    if (message.idsFrom === 0) this.ids = [...message.ids];
    else this.ids.push(...message.ids);
    this.frame = message;
    this.layer.show(message);
  }

  private at(slot: number): LivePosition {
    const frame = this.frame!;
    const g = slot * GPU_STRIDE;
    return {
      vehicle_id: this.ids[slot]!,
      vehicle_type: frame.types[slot]!,
      lon: frame.lonLat[slot * 2]!,
      lat: frame.lonLat[slot * 2 + 1]!,
      speed_kmh: frame.speed[slot]!,
      heading_deg: frame.gpu[g + 2]!,
      ts: new Date(frame.seenMs[slot]!).toISOString(),
    };
  }

  private send(message: LiveWorkerInput, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
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
