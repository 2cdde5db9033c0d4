import { cellToBoundary, polygonToCells } from 'h3-js';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { apiJson } from './api.ts';
import { setData } from './map-layers.ts';

/** Beyond this many cells the grid is skipped: it would be a grey blur at that zoom anyway. */
const MAX_GRID_CELLS = 6_000;

function resolutionFor(zoom: number): number {
  return zoom >= 13 ? 8 : zoom >= 11 ? 7 : 6;
}

function viewRing(map: MapLibreMap): [number, number][] {
  const b = map.getBounds();
  return [[b.getWest(), b.getSouth()], [b.getEast(), b.getSouth()], [b.getEast(), b.getNorth()], [b.getWest(), b.getNorth()], [b.getWest(), b.getSouth()]];
}

function cellFeature(cell: string, properties: Record<string, number> = {}): GeoJSON.Feature {
  return { type: 'Feature', geometry: { type: 'Polygon', coordinates: [cellToBoundary(cell, true)] }, properties };
}

/** The H3 cells in view, drawn as outlines (the grid the lake indexes by, coarser when zoomed out). */
export function drawGrid(map: MapLibreMap, on: boolean): void {
  const cells = on ? polygonToCells(viewRing(map), resolutionFor(map.getZoom()), true) : [];
  setData(map, 'grid', { type: 'FeatureCollection', features: cells.length <= MAX_GRID_CELLS ? cells.map((c) => cellFeature(c)) : [] });
}

/** GET /v1/heatmap for the view and period, shaded by positions per cell on a log scale. */
export async function drawHeatmap(map: MapLibreMap, period: { fromMs: number; toMs: number } | undefined): Promise<void> {
  if (!period) {
    setData(map, 'heatmap', { type: 'FeatureCollection', features: [] });
    return;
  }
  const b = map.getBounds();
  const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((n) => n.toFixed(6)).join(',');
  const query = `from=${new Date(period.fromMs).toISOString()}&to=${new Date(period.toMs).toISOString()}&resolution=${resolutionFor(map.getZoom())}&bbox=${bbox}&limit=10000`;
  const answer = await apiJson<{ cells: { cell: string; positions: number }[] }>(`/v1/heatmap?${query}`);
  const top = Math.log1p(Math.max(1, ...answer.cells.map((c) => c.positions)));
  setData(map, 'heatmap', { type: 'FeatureCollection', features: answer.cells.map((c) => cellFeature(c.cell, { weight: Math.log1p(c.positions) / top, positions: c.positions })) });
}
