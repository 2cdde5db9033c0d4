import type { Scenario } from './scenario.ts';
import { H3_CELL_AREA_KM2 } from './scenario-defaults.ts';

/**
 * Rows a typical area query reads: one district over the busiest hour.
 *
 * Assumptions (docs/estimator.md): positions spread evenly over the service
 * area's H3 cells; the query's polygon is roughly square, so it touches the
 * cells of a square one cell-width larger, (√A + √a)² / a; the period is one
 * whole hour, which the (h3_cell, hour) sort key selects exactly. The primary
 * index reads whole granules, so each touched cell-hour may add up to one
 * granule beyond its own rows (the `_max` figure).
 */
export const INDEX_GRANULARITY = 8192;

export interface AreaQuery {
  readonly query_area_km2: number;
  readonly service_area_km2: number;
  readonly cell_area_km2: number;
  readonly service_cells: number;
  readonly cells_touched: number;
  readonly share_of_cells: number;
  readonly rows_per_hour_peak: number;
  readonly rows_scanned: number;
  readonly rows_scanned_max: number;
}

export function areaQuery(s: Scenario, eventsPerSecondPeak: number): AreaQuery {
  const a = H3_CELL_AREA_KM2;
  const serviceCells = s.service_area_km2 / a;
  const touched = Math.min(Math.ceil((Math.sqrt(s.query_area_km2) + Math.sqrt(a)) ** 2 / a), Math.ceil(serviceCells));
  const share = Math.min(1, touched / serviceCells);
  const rowsPerHour = eventsPerSecondPeak * 3600;
  const scanned = rowsPerHour * share;
  return {
    query_area_km2: s.query_area_km2,
    service_area_km2: s.service_area_km2,
    cell_area_km2: a,
    service_cells: serviceCells,
    cells_touched: touched,
    share_of_cells: share,
    rows_per_hour_peak: rowsPerHour,
    rows_scanned: scanned,
    rows_scanned_max: Math.min(rowsPerHour, scanned + touched * INDEX_GRANULARITY),
  };
}
