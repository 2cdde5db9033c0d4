import type { ExpressionSpecification, Map as MapLibreMap, StyleSpecification } from 'maplibre-gl';

/** One colour per generator vehicle type; other types are grey-blue. */
export const TYPE_COLOURS: Readonly<Record<string, string>> = { bike: '#2a9d8f', car: '#1c6dd0', van: '#e07a1f', truck: '#b5179e' };
const OTHER_COLOUR = '#5b6b7f';
/** From this zoom on, vehicles are arrows showing their heading. */
export const HEADING_ZOOM = 13;
/** The layers a live vehicle is drawn in, one per zoom range. */
export const VEHICLE_LAYERS = ['vehicles', 'vehicle-headings'];
export const STALE_COLOUR = '#b8bec6';

const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

/** The map with no tile server: a plain background; districts, grid and fleet are added on top of any style. */
export function offlineStyle(): StyleSpecification {
  return { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef1f4' } }] };
}

function typeColour(): ExpressionSpecification {
  return ['match', ['get', 'vehicle_type'], ...Object.entries(TYPE_COLOURS).flat(), OTHER_COLOUR] as unknown as ExpressionSpecification;
}

/** An upward arrow as a signed-distance image, so one icon takes every colour and rotates with the heading. */
function arrowImage(size = 24): ImageData {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = size;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#000';
  ctx.beginPath();
  ctx.moveTo(size / 2, 1);
  ctx.lineTo(size - 4, size - 3);
  ctx.lineTo(size / 2, size - 8);
  ctx.lineTo(4, size - 3);
  ctx.closePath();
  ctx.fill();
  return ctx.getImageData(0, 0, size, size);
}

/** Sources and layers the page draws, bottom to top. */
export function addFleetLayers(map: MapLibreMap): void {
  for (const id of ['districts', 'grid', 'heatmap', 'area', 'result-tracks', 'track', 'vehicles', 'replay']) map.addSource(id, { type: 'geojson', data: EMPTY });
  map.addImage('arrow', arrowImage(), { sdf: true });
  map.addLayer({ id: 'heatmap', type: 'fill', source: 'heatmap', paint: { 'fill-color': ['interpolate', ['linear'], ['get', 'weight'], 0, '#fff3b0', 0.5, '#f08a24', 1, '#b3001b'], 'fill-opacity': 0.55 } });
  map.addLayer({ id: 'districts-fill', type: 'fill', source: 'districts', paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.35 } });
  map.addLayer({ id: 'districts-line', type: 'line', source: 'districts', paint: { 'line-color': '#7d8a99', 'line-width': 1 } });
  map.addLayer({ id: 'grid', type: 'line', source: 'grid', paint: { 'line-color': '#9aa7b5', 'line-width': 0.5, 'line-opacity': 0.7 } });
  map.addLayer({ id: 'area-fill', type: 'fill', source: 'area', paint: { 'fill-color': '#1c6dd0', 'fill-opacity': 0.08 } });
  map.addLayer({ id: 'area-line', type: 'line', source: 'area', paint: { 'line-color': '#1c6dd0', 'line-width': 2 } });
  map.addLayer({ id: 'result-tracks', type: 'line', source: 'result-tracks', paint: { 'line-color': typeColour(), 'line-width': 1, 'line-opacity': 0.35 } });
  map.addLayer({ id: 'track', type: 'line', source: 'track', paint: { 'line-color': '#d62828', 'line-width': 3 } });
  const colour: ExpressionSpecification = ['case', ['get', 'stale'], STALE_COLOUR, typeColour()];
  // Dots at city scale, arrows turned to the heading from street scale: symbols cost far more per frame than
  // circles (bench:map), and ten thousand arrows at city scale are unreadable anyway.
  map.addLayer({
    id: 'vehicles',
    type: 'circle',
    source: 'vehicles',
    maxzoom: HEADING_ZOOM,
    paint: { 'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 2.5, 13, 4.5], 'circle-color': colour, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 0.5 },
  });
  map.addLayer({
    id: 'vehicle-headings',
    type: 'symbol',
    source: 'vehicles',
    minzoom: HEADING_ZOOM,
    layout: { 'icon-image': 'arrow', 'icon-size': 0.7, 'icon-rotate': ['get', 'heading_deg'], 'icon-rotation-alignment': 'map', 'icon-allow-overlap': true, 'icon-ignore-placement': true },
    paint: { 'icon-color': colour, 'icon-halo-color': '#ffffff', 'icon-halo-width': 1 },
  });
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
