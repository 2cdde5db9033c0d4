import type { Map as MapLibreMap } from 'maplibre-gl';
import { apiFetch } from './api.ts';
import type { AreaVehicle, AskRequest } from './ask-panel.ts';
import { byId, shortTime } from './dom.ts';
import { setData } from './map-layers.ts';
import { positionAt, tracksFromPositions, type AreaPosition, type ReplayTrack } from './replay-position.ts';
import { showResultTracks } from './track-layer.ts';

/**
 * The replay of an answer: every result vehicle's positions inside the area
 * over the period (POST /v1/area-query/positions, the same request), and a
 * slider placing each at its last position there at that instant.
 */
export class ReplayPlayer {
  private tracks: ReplayTrack[] = [];
  private playing = false;
  private lastFrame = 0;
  private generation = 0;
  private readonly slider = byId<HTMLInputElement>('replay-time');
  private readonly playButton = byId<HTMLButtonElement>('play');

  constructor(private readonly map: MapLibreMap) {
    this.slider.addEventListener('input', () => this.showAt(Number(this.slider.value)));
    this.playButton.addEventListener('click', () => (this.playing ? this.pause() : this.play()));
  }

  /** Loads the positions of an answer's vehicles; a newer answer abandons an older load. */
  async load(request: AskRequest, vehicles: readonly AreaVehicle[]): Promise<void> {
    const generation = ++this.generation;
    this.pause();
    const fromMs = Date.parse(request.from);
    const toMs = Date.parse(request.to);
    this.slider.min = String(fromMs);
    this.slider.max = String(toMs);
    this.slider.value = String(fromMs);
    this.slider.disabled = this.playButton.disabled = true;
    // Every matching position in one answer, as the lake holds them inside the area (by vehicle, then time).
    const response = await apiFetch('/v1/area-query/positions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/x-ndjson' },
      body: JSON.stringify(request),
    });
    const text = await response.text();
    const listed = new Set(vehicles.map((v) => v.vehicle_id));
    const lines = text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as AreaPosition);
    const tracks = tracksFromPositions(lines, (id) => listed.has(id));
    if (generation !== this.generation) return;
    this.showTracks(tracks);
  }

  /** Draws the loaded tracks and the vehicles at the period's start (the benchmark times this). */
  showTracks(tracks: ReplayTrack[]): void {
    this.tracks = tracks;
    showResultTracks(this.map, tracks);
    this.slider.disabled = this.playButton.disabled = false;
    this.showAt(Number(this.slider.value));
  }

  /** Places every result vehicle at instant t (replay-position.ts says where). */
  showAt(t: number): void {
    this.slider.value = String(t);
    const features: GeoJSON.Feature[] = [];
    for (const track of this.tracks) {
      const p = positionAt(track, t);
      if (p) features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: [p.lon, p.lat] }, properties: { vehicle_id: p.vehicleId, vehicle_type: p.vehicleType, ts: p.ts } });
    }
    setData(this.map, 'replay', { type: 'FeatureCollection', features });
    const clock = byId('replay-clock');
    clock.textContent = `${shortTime(t)} UTC · ${features.length} vehicles`;
    clock.dataset.instant = String(t);
  }

  private play(): void {
    if (Number(this.slider.value) >= Number(this.slider.max)) this.slider.value = this.slider.min;
    this.playing = true;
    this.playButton.textContent = 'Pause';
    this.lastFrame = performance.now();
    const step = (now: number) => {
      if (!this.playing) return;
      const speed = Number(byId<HTMLSelectElement>('speed').value);
      const t = Math.min(Number(this.slider.max), Number(this.slider.value) + (now - this.lastFrame) * speed);
      this.lastFrame = now;
      this.showAt(t);
      if (t >= Number(this.slider.max)) this.pause();
      else requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  }

  private pause(): void {
    this.playing = false;
    this.playButton.textContent = 'Play';
  }
}
