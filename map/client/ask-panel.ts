import type { Map as MapLibreMap } from 'maplibre-gl';
import { apiJson, reportFailure } from './api.ts';
import { download, toCsv } from './csv.ts';
import { byId, cell, fromInputValue, shortTime, toInputValue } from './dom.ts';
import type { Position } from './geometry.ts';
import type { District } from './live-view.ts';
import { setData } from './map-layers.ts';
import type { ViewState } from './url-state.ts';

/** What the page reads of GET /v1/vehicles/{id}/track's Feature: a LineString, a Point for one position, or no geometry. */
interface TrackFeature {
  readonly geometry: { readonly type: 'LineString' | 'Point'; readonly coordinates: unknown } | null;
}

/** A vehicle of POST /v1/area-query. */
export interface AreaVehicle {
  readonly vehicle_id: string;
  readonly vehicle_type: string;
  readonly first_ts: string;
  readonly last_ts: string;
  readonly positions: number;
  readonly max_speed_kmh: number;
}

export interface AreaAnswer {
  readonly vehicles: readonly AreaVehicle[];
  readonly truncated: boolean;
  readonly stats: { readonly rows_read: number; readonly elapsed_ms: number; readonly h3_cells: number; readonly index: string };
}

export interface AskRequest {
  readonly area: { readonly district_id: string } | { readonly type: 'Polygon'; readonly coordinates: Position[][] };
  readonly from: string;
  readonly to: string;
  readonly moving_only: boolean;
  readonly vehicle_types?: readonly string[];
}

export interface AskEvents {
  /** A new answer is listed (the replay loads its tracks). */
  answered(request: AskRequest, answer: AreaAnswer): void;
  /** The view changed what a link should hold. */
  stateChanged(): void;
}

/**
 * "Ask the lake": the area (a district, or a polygon drawn on the map), the
 * period and filters, POST /v1/area-query, and its answer as a table whose
 * rows open the vehicle's track in the period.
 */
export class AskPanel {
  ring: Position[] | undefined;
  selected: string | undefined;
  private answer: AreaAnswer | undefined;
  private asked: AskRequest | undefined;

  constructor(
    private readonly map: MapLibreMap,
    private readonly districts: readonly District[],
    vehicleTypes: readonly string[],
    private readonly events: AskEvents,
  ) {
    const select = byId<HTMLSelectElement>('district');
    for (const d of districts) select.add(new Option(`${d.name} (${d.id})`, d.id));
    select.addEventListener('change', () => {
      if (select.value) this.ring = undefined;
      this.drawArea();
      events.stateChanged();
    });
    const types = byId('types');
    for (const type of vehicleTypes) {
      const label = document.createElement('label');
      label.innerHTML = `<input type="checkbox" name="type" value="${type}" checked> ${type}`;
      types.append(label);
    }
    byId('ask').addEventListener('submit', (event) => {
      event.preventDefault();
      this.run().catch(reportFailure);
    });
    byId('csv').addEventListener('click', () => this.downloadCsv());
    const now = Date.now();
    byId<HTMLInputElement>('from').value = toInputValue(now - 3_600_000);
    byId<HTMLInputElement>('to').value = toInputValue(now);
  }

  /** A polygon finished on the map: it replaces the district. */
  setRing(ring: Position[]): void {
    this.ring = ring;
    byId<HTMLSelectElement>('district').value = '';
    this.drawArea();
    this.events.stateChanged();
  }

  state(): ViewState {
    const district = byId<HTMLSelectElement>('district').value;
    const types = this.checkedTypes();
    return {
      ...(district ? { district } : this.ring ? { ring: this.ring } : {}),
      from: byId<HTMLInputElement>('from').value,
      to: byId<HTMLInputElement>('to').value,
      movingOnly: byId<HTMLInputElement>('moving').checked,
      ...(types ? { types } : {}),
      ...(this.selected ? { vehicle: this.selected } : {}),
    };
  }

  applyState(state: ViewState): void {
    if (state.district) byId<HTMLSelectElement>('district').value = state.district;
    if (state.ring) this.ring = state.ring;
    if (state.from) byId<HTMLInputElement>('from').value = state.from;
    if (state.to) byId<HTMLInputElement>('to').value = state.to;
    byId<HTMLInputElement>('moving').checked = state.movingOnly !== false;
    if (state.types) for (const box of this.typeBoxes()) box.checked = state.types.includes(box.value);
    this.selected = state.vehicle;
    this.drawArea();
  }

  /** Milliseconds of the period in the form. */
  period(): { fromMs: number; toMs: number } {
    return { fromMs: fromInputValue(byId<HTMLInputElement>('from').value), toMs: fromInputValue(byId<HTMLInputElement>('to').value) };
  }

  request(): AskRequest | undefined {
    const district = byId<HTMLSelectElement>('district').value;
    const area = district ? { district_id: district } : this.ring ? { type: 'Polygon' as const, coordinates: [this.ring] } : undefined;
    if (!area) return undefined;
    const { fromMs, toMs } = this.period();
    const types = this.checkedTypes();
    return {
      area,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      moving_only: byId<HTMLInputElement>('moving').checked,
      ...(types ? { vehicle_types: types } : {}),
    };
  }

  async run(): Promise<void> {
    const request = this.request();
    const stats = byId('stats');
    if (!request) {
      stats.textContent = 'Pick a district or draw a polygon first.';
      return;
    }
    // The API reads an empty type list as "every type", the opposite of nothing ticked.
    if (request.vehicle_types?.length === 0) {
      stats.textContent = 'Tick at least one vehicle type.';
      return;
    }
    stats.textContent = 'Asking the lake…';
    this.events.stateChanged();
    const answer = await apiJson<AreaAnswer>('/v1/area-query', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...request, limit: 10_000 }) }).catch((err: unknown) => {
      stats.textContent = 'The query failed (see above).';
      throw err;
    });
    this.asked = request;
    this.answer = answer;
    this.renderAnswer(answer);
    this.events.answered(request, answer);
    if (this.selected && answer.vehicles.some((v) => v.vehicle_id === this.selected)) await this.showTrack(this.selected);
  }

  renderAnswer(answer: AreaAnswer): void {
    const s = answer.stats;
    byId('stats').textContent =
      `${answer.vehicles.length.toLocaleString('en')} vehicles${answer.truncated ? ' (truncated)' : ''} · ` +
      `${s.rows_read.toLocaleString('en')} rows read in ${Math.round(s.elapsed_ms)} ms · ${s.h3_cells.toLocaleString('en')} H3 cells (${s.index})`;
    // Within one day the date says nothing: times alone keep the table narrow.
    const oneDay = this.asked !== undefined && this.asked.from.slice(0, 10) === this.asked.to.slice(0, 10);
    const when = (ts: string) => (oneDay ? shortTime(ts).slice(11) : shortTime(ts));
    const body = byId('results').querySelector('tbody')!;
    body.replaceChildren(
      ...answer.vehicles.map((v) => {
        const row = document.createElement('tr');
        row.dataset.vehicle = v.vehicle_id;
        row.setAttribute('aria-selected', String(v.vehicle_id === this.selected));
        const button = document.createElement('button');
        button.type = 'button';
        button.textContent = v.vehicle_id;
        button.setAttribute('aria-label', `Show the track of ${v.vehicle_id}`);
        button.addEventListener('click', () => this.showTrack(v.vehicle_id).catch(reportFailure));
        const first = document.createElement('td');
        first.append(button);
        row.append(first, cell(v.vehicle_type), cell(when(v.first_ts)), cell(when(v.last_ts)), cell(String(v.positions), 'num'), cell(v.max_speed_kmh.toFixed(1), 'num'));
        return row;
      }),
    );
    byId<HTMLButtonElement>('csv').disabled = answer.vehicles.length === 0;
  }

  /** The vehicle's whole track in the asked period, drawn and framed. */
  async showTrack(vehicleId: string): Promise<void> {
    const asked = this.asked;
    if (!asked) return;
    this.selected = vehicleId;
    for (const row of byId('results').querySelectorAll<HTMLTableRowElement>('tbody tr')) row.setAttribute('aria-selected', String(row.dataset.vehicle === vehicleId));
    this.events.stateChanged();
    const track = await apiJson<TrackFeature & GeoJSON.Feature>(`/v1/vehicles/${encodeURIComponent(vehicleId)}/track?from=${asked.from}&to=${asked.to}`);
    setData(this.map, 'track', track);
    const coords = track.geometry === null ? [] : track.geometry.type === 'Point' ? [track.geometry.coordinates as [number, number]] : (track.geometry.coordinates as [number, number][]);
    if (coords.length > 0) {
      const lons = coords.map((c) => c[0]);
      const lats = coords.map((c) => c[1]);
      this.map.fitBounds([Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)], { padding: 60, maxZoom: 14, duration: 0 });
    }
    byId('stats').dataset.track = `${vehicleId}:${coords.length}`;
  }

  /** The chosen district or polygon on the map. */
  drawArea(): void {
    const district = this.districts.find((d) => d.id === byId<HTMLSelectElement>('district').value);
    const geometry = district
      ? { type: 'MultiPolygon' as const, coordinates: district.polygons }
      : this.ring
        ? { type: 'Polygon' as const, coordinates: [this.ring] }
        : undefined;
    setData(this.map, 'area', { type: 'FeatureCollection', features: geometry ? [{ type: 'Feature', geometry, properties: {} }] : [] });
  }

  private typeBoxes(): HTMLInputElement[] {
    return [...byId('types').querySelectorAll<HTMLInputElement>('input[name=type]')];
  }

  /** Undefined when every type is ticked: then the query has no type filter at all, and types the page does not know still count. */
  private checkedTypes(): string[] | undefined {
    const boxes = this.typeBoxes();
    const checked = boxes.filter((b) => b.checked).map((b) => b.value);
    return checked.length === boxes.length ? undefined : checked;
  }

  private downloadCsv(): void {
    if (!this.answer) return;
    const rows = this.answer.vehicles.map((v) => [v.vehicle_id, v.vehicle_type, v.first_ts, v.last_ts, v.positions, v.max_speed_kmh]);
    download('area-query.csv', toCsv(['vehicle_id', 'vehicle_type', 'first_ts', 'last_ts', 'positions', 'max_speed_kmh'], rows));
  }
}
