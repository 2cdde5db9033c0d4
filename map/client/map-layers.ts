import type { ExpressionSpecification, Map as MapLibreMap, StyleSpecification } from 'maplibre-gl';
import { OTHER_COLOUR, STALE_COLOUR, TYPE_COLOURS } from './vehicle-style.ts';


const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

/** The map with no tile server: a plain background; districts, grid and fleet are added on top of any style. */
export function offlineStyle(): StyleSpecification {
  return { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef1f4' } }] };
}

function typeColour(): ExpressionSpecification {
  return ['match', ['get', 'vehicle_type'], ...Object.entries(TYPE_COLOURS).flat(), OTHER_COLOUR] as unknown as ExpressionSpecification;
}

/** Sources and layers the page draws, bottom to top; the answer's tracks go under 'track' (track-layer.ts), the live vehicles under 'replay' (vehicle-layer.ts). */
export function addFleetLayers(map: MapLibreMap): void {
  for (const id of ['districts', 'grid', 'heatmap', 'area', 'track', 'replay']) map.addSource(id, { type: 'geojson', data: EMPTY });
  map.addLayer({ id: 'heatmap', type: 'fill', source: 'heatmap', paint: { 'fill-color': ['interpolate', ['linear'], ['get', 'weight'], 0, '#fff3b0', 0.5, '#f08a24', 1, '#b3001b'], 'fill-opacity': 0.55 } });
  map.addLayer({ id: 'districts-fill', type: 'fill', source: 'districts', paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.35 } });
  map.addLayer({ id: 'districts-line', type: 'line', source: 'districts', paint: { 'line-color': '#7d8a99', 'line-width': 1 } });
  map.addLayer({ id: 'grid', type: 'line', source: 'grid', paint: { 'line-color': '#9aa7b5', 'line-width': 0.5, 'line-opacity': 0.7 } });
  map.addLayer({ id: 'area-fill', type: 'fill', source: 'area', paint: { 'fill-color': '#1c6dd0', 'fill-opacity': 0.08 } });
  map.addLayer({ id: 'area-line', type: 'line', source: 'area', paint: { 'line-color': '#1c6dd0', 'line-width': 2 } });
  map.addLayer({ id: 'track', type: 'line', source: 'track', paint: { 'line-color': '#d62828', 'line-width': 3 } });
  map.addLayer({
    id: 'replay',
    type: 'circle',
    source: 'replay',
    paint: { 'circle-radius': 6, 'circle-color': typeColour(), 'circle-stroke-color': '#1d2733', 'circle-stroke-width': 1.5 },
  });
}

export function setData(map: MapLibreMap, source: string, data: GeoJSON.GeoJSON): void {
  const target = map.getSource(source);
  if (target && 'setData' in target) (target as { setData(d: GeoJSON.GeoJSON): void }).setData(data);
}

export function legendHtml(): string {
  const swatch = (name: string, colour: string) => `<span><i style="background:${colour}"></i>${name}</span>`;
  const swatches = [...Object.entries(TYPE_COLOURS), ['not seen lately', STALE_COLOUR]].map(([name, colour]) => swatch(name!, colour!));
  return `${swatches.join('')}<br>Zoom in to see each vehicle's heading.`;
}
