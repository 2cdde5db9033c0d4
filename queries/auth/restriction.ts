import { multiPolygonParam, type ParamValues } from '../param-text.ts';
import type { ApiKey } from './api-key-store.ts';

/**
 * A key's restriction travels into SQL as two query parameters that every
 * named query reading positions must use (queries/named-sql.ts refuses one
 * that does not, at boot): the query itself filters, so no route can forget.
 */
export const RESTRICTION_PARAMS = ['restrict_group', 'restrict_area'] as const;

/** Tables whose rows say where a vehicle was: a named query reading one must take the restriction. */
export const POSITION_TABLES = /\bfleet\.(positions|latest_positions|device_frames|presence_hourly|presence_daily)\b/;

/** The parameters of a key that sees every vehicle everywhere. */
export const UNRESTRICTED: ParamValues = { restrict_group: '', restrict_area: '[]' };

export function isUnrestricted(params: ParamValues): boolean {
  return RESTRICTION_PARAMS.every((name) => params[name] === UNRESTRICTED[name]);
}

export function restrictionParams(key: ApiKey | null): ParamValues {
  // Only routes declaring a scope reach data; one that got here without a key is a bug, not an open door.
  if (!key) throw new Error('a data query ran on a route that declares no scope');
  return { restrict_group: key.vehicleGroup ?? '', restrict_area: key.area ? multiPolygonParam(key.area) : '[]' };
}
