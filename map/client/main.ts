import { Map as MapLibreMap, NavigationControl, Marker, Popup, setWorkerUrl, type LngLatBoundsLike } from 'maplibre-gl';
import { TerraDraw, TerraDrawPolygonMode, TerraDrawRenderMode } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import { apiJson, reportFailure } from './api.ts';
import { AskPanel } from './ask-panel.ts';
import { byId, shortTime } from './dom.ts';
import { boxOf, labelPoint, type MultiPolygon, type Position } from './geometry.ts';
import { KeyboardDraw } from './keyboard-draw.ts';
import { district, LiveView, renderDistrictCounts, type District } from './live-view.ts';
import { addFleetLayers, legendHtml, offlineStyle, setData } from './map-layers.ts';
import { drawGrid, drawHeatmap } from './overlays.ts';
import { readPageConfig } from './page-config.ts';
import { ReplayPlayer } from './replay-player.ts';
import { tracksFromPositions } from './replay-position.ts';
import { addTrackLayer, drawnResultTracks } from './track-layer.ts';
import { decodeState, encodeState } from './url-state.ts';

const config = readPageConfig();
setWorkerUrl(new URL('/map/maplibre-gl-worker.mjs', location.href).href);

const map = new MapLibreMap({ container: 'map', style: config.styleUrl || offlineStyle(), center: [-73.6, 45.52], zoom: 10.5, attributionControl: { compact: true } });
map.addControl(new NavigationControl({ showCompass: true }), 'top-left');
byId('legend').innerHTML = legendHtml();

/**
 * The districts and then the live stream are asked for at once, while MapLibre loads: the first render of the
 * fleet waits for neither the map nor the districts. The stream waits for the districts' answer so that one key
 * prompt serves both, and a refusal of the stream is not cleared from the banner by the districts' success.
 */
const districtsAsked = apiJson<{ districts: { id: string; name: string; geometry: { coordinates: MultiPolygon } }[] }>('/v1/districts');
const live = new LiveView(map, config.staleAfterMs);
// A failure to get the districts is start()'s to report.
void districtsAsked.then(() => live.follow(), () => undefined);

map.on('load', () => start().catch(reportFailure));

async function start(): Promise<void> {
  performance.mark('fleetlake:map-loaded');
  addFleetLayers(map);
  live.attach('replay');
  addTrackLayer(map, 'track');
  const answer = await districtsAsked;
  const districts = answer.districts.map((d) => district(d.id, d.name, d.geometry.coordinates));
  setData(map, 'districts', {
    type: 'FeatureCollection',
    features: answer.districts.map((d) => ({ type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: d.geometry.coordinates }, properties: { id: d.id, name: d.name } })),
  });
  const labels = districtLabels(districts);
  fitTo(districts);

  const ask = new AskPanel(map, districts, config.vehicleTypes, {
    answered: (request, result) => replay.load(request, result.vehicles).catch(reportFailure),
    stateChanged: () => history.replaceState(null, '', `/map${encodeState(ask.state())}`),
  });
  const replay = new ReplayPlayer(map);
  live.countIn(districts, (counts) => {
    renderDistrictCounts(districts, counts);
    for (const [id, label] of labels) label.textContent = `${districts.find((d) => d.id === id)?.name ?? id} · ${counts.get(id) ?? 0}`;
  });
  setUpDrawing(ask);
  setUpVehicleClicks(live);
  setUpOverlays(ask);

  const state = decodeState(location.search);
  ask.applyState(state);
  // Exposed for the browser tests and bench:map, which read what the page holds.
  Object.assign(window, { fleetlake: { map, live, ask, replay, tracksFromPositions, resultTracksDrawn: () => drawnResultTracks(map) } });
  if (state.district || state.ring) await ask.run();
}

function districtLabels(districts: readonly District[]): Map<string, HTMLElement> {
  const labels = new Map<string, HTMLElement>();
  for (const d of districts) {
    const element = document.createElement('div');
    element.className = 'district-label';
    element.textContent = d.name;
    // Labels only: the counts table in the panel says the same to a keyboard or screen reader.
    element.tabIndex = -1;
    element.setAttribute('aria-hidden', 'true');
    new Marker({ element }).setLngLat(labelPoint(d.polygons) as [number, number]).addTo(map);
    labels.set(d.id, element);
  }
  return labels;
}

function fitTo(districts: readonly District[]): void {
  if (districts.length === 0) return;
  const box = boxOf(districts.flatMap((d) => d.polygons));
  map.fitBounds([box.minLon, box.minLat, box.maxLon, box.maxLat] as LngLatBoundsLike, { padding: 20, duration: 0 });
}

/**
 * Draw polygon: with the mouse, terra-draw's polygon mode (click the corners, click the first again or press
 * Enter to close); pressed from the keyboard, a crosshair the arrow keys steer (keyboard-draw.ts).
 */
function setUpDrawing(ask: AskPanel): void {
  const draw = new TerraDraw({ adapter: new TerraDrawMapLibreGLAdapter({ map }), modes: [new TerraDrawPolygonMode(), new TerraDrawRenderMode({ modeName: 'idle', styles: {} })] });
  draw.start();
  draw.setMode('idle');
  const button = byId<HTMLButtonElement>('draw');
  const idle = () => {
    button.textContent = 'Draw polygon';
  };
  const keyboard = new KeyboardDraw(
    map,
    (ring) => {
      ask.setRing(ring);
      // Next: Ask.
      byId('run').focus();
    },
    () => {
      idle();
      ask.drawArea();
    },
  );
  button.addEventListener('click', (event) => {
    draw.clear();
    // A click with no pointer (detail 0) is Enter or Space on the button.
    if (event.detail === 0) {
      button.textContent = 'Drawing: keys on the map';
      keyboard.start();
      return;
    }
    draw.setMode('polygon');
    button.textContent = 'Drawing: click the corners, close on the first';
  });
  draw.on('finish', (id) => {
    const feature = draw.getSnapshotFeature(id);
    if (feature?.geometry.type !== 'Polygon') return;
    ask.setRing(feature.geometry.coordinates[0] as Position[]);
    draw.clear();
    draw.setMode('idle');
    idle();
  });
}

/** Pixels from a vehicle's centre that still hit it: a dot is 5 to 9 px across, a thumb is wider. */
const HIT_RADIUS = 8;

/** A clicked vehicle: who it is, how fast, when last seen, and its last hour as a track. */
function setUpVehicleClicks(live: LiveView): void {
  // The hover test runs at most once per display frame, however fast the mouse moves.
  let hover: { x: number; y: number } | undefined;
  map.on('mousemove', (event) => {
    if (hover === undefined) requestAnimationFrame(() => {
      map.getCanvas().style.cursor = hover && live.nearest(hover, HIT_RADIUS) ? 'pointer' : '';
      hover = undefined;
    });
    hover = event.point;
  });
  map.on('click', (event) => {
    const v = live.nearest(event.point, HIT_RADIUS);
    if (!v) return;
    const body = document.createElement('div');
    body.className = 'vehicle-info';
    for (const [label, value] of [['Vehicle', v.vehicle_id], ['Type', v.vehicle_type || '–'], ['Speed', `${v.speed_kmh.toFixed(1)} km/h`], ['Last seen', `${shortTime(v.ts)} UTC`]]) {
      const line = document.createElement('div');
      line.textContent = `${label}: ${value}`;
      body.append(line);
    }
    new Popup({ closeButton: true }).setLngLat([v.lon, v.lat]).setDOMContent(body).addTo(map);
    const to = Date.parse(v.ts) + 1;
    apiJson<GeoJSON.Feature>(`/v1/vehicles/${encodeURIComponent(v.vehicle_id)}/track?from=${new Date(to - 3_600_000).toISOString()}&to=${new Date(to).toISOString()}`)
      .then((track) => setData(map, 'track', track))
      .catch(reportFailure);
  });
}

function setUpOverlays(ask: AskPanel): void {
  const grid = byId<HTMLInputElement>('show-grid');
  const heat = byId<HTMLInputElement>('show-heatmap');
  const redrawHeat = () => void drawHeatmap(map, heat.checked ? ask.period() : undefined).catch(reportFailure);
  grid.addEventListener('change', () => drawGrid(map, grid.checked));
  heat.addEventListener('change', redrawHeat);
  byId('ask').addEventListener('submit', () => heat.checked && redrawHeat());
  map.on('moveend', () => {
    if (grid.checked) drawGrid(map, true);
    if (heat.checked) redrawHeat();
  });
}
