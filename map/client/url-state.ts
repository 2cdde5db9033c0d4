import type { Position } from './geometry.ts';

/** What a link reproduces: the area (a district or a drawn ring), the period, the filters and the selected vehicle. */
export interface ViewState {
  readonly district?: string;
  readonly ring?: Position[];
  readonly from?: string;
  readonly to?: string;
  readonly movingOnly?: boolean;
  readonly types?: readonly string[];
  readonly vehicle?: string;
}

/** Coordinates keep 6 decimals (~0.1 m), like the lake. */
export function encodeState(state: ViewState): string {
  const params = new URLSearchParams();
  if (state.district) params.set('district', state.district);
  if (state.ring) params.set('area', state.ring.map(([lon, lat]) => `${+lon.toFixed(6)},${+lat.toFixed(6)}`).join(';'));
  if (state.from) params.set('from', state.from);
  if (state.to) params.set('to', state.to);
  if (state.movingOnly === false) params.set('moving', '0');
  if (state.types && state.types.length > 0) params.set('types', state.types.join(','));
  if (state.vehicle) params.set('vehicle', state.vehicle);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function decodeState(search: string): ViewState {
  const params = new URLSearchParams(search);
  const area = params.get('area');
  const ring = area
    ?.split(';')
    .map((pair) => pair.split(',').map(Number) as Position)
    .filter(([lon, lat]) => Number.isFinite(lon) && Number.isFinite(lat));
  const types = params.get('types');
  return {
    ...(params.get('district') ? { district: params.get('district')! } : {}),
    ...(ring && ring.length >= 4 ? { ring } : {}),
    ...(params.get('from') ? { from: params.get('from')! } : {}),
    ...(params.get('to') ? { to: params.get('to')! } : {}),
    ...(params.get('moving') === '0' ? { movingOnly: false } : {}),
    ...(types ? { types: types.split(',').filter(Boolean) } : {}),
    ...(params.get('vehicle') ? { vehicle: params.get('vehicle')! } : {}),
  };
}
