import { POLYGON_TO_CELLS_FLAGS, polygonToCellsExperimental } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { loadDistricts } from '../core/districts.ts';
import { H3_RESOLUTION } from '../core/names.ts';
import { areaQuery, INDEX_GRANULARITY } from './area-query-model.ts';
import { builtInCityAreas, H3_CELL_AREA_KM2 } from './scenario-defaults.ts';
import { scenarioOf } from './test-fixtures.ts';

describe('area query model: one district over the busiest hour', () => {
  it('the square-covering approximation matches the cells the built-in districts really touch', () => {
    const touched = loadDistricts().map((d) =>
      d.polygons.reduce((n, polygon) => n + polygonToCellsExperimental(polygon, H3_RESOLUTION, POLYGON_TO_CELLS_FLAGS.containmentOverlapping, true).length, 0),
    );
    const meanTouched = touched.reduce((a, b) => a + b, 0) / touched.length;
    const modelled = areaQuery(scenarioOf({ vehicles: 1 }), 1).cells_touched;
    expect(Math.abs(modelled - meanTouched) / meanTouched).toBeLessThan(0.1);
  });

  it('rows scanned = rows in the hour × share of cells touched, plus at most a granule per cell', () => {
    // 100 km² city of ~135.6 cells; a 9 km² query touches (3 + √a)² / a cells.
    const s = scenarioOf({ vehicles: 10_000, service_area_km2: 100, query_area_km2: 9 });
    const q = areaQuery(s, 2000);
    const a = H3_CELL_AREA_KM2;
    const cells = Math.ceil((3 + Math.sqrt(a)) ** 2 / a);
    expect(q.cells_touched).toBe(cells);
    expect(q.service_cells).toBeCloseTo(100 / a, 9);
    expect(q.rows_per_hour_peak).toBe(7_200_000);
    expect(q.rows_scanned).toBeCloseTo(7_200_000 * (cells / (100 / a)), 6);
    expect(q.rows_scanned_max).toBeCloseTo(q.rows_scanned + cells * INDEX_GRANULARITY, 6);
  });

  it('a query as large as the service area reads the whole hour, never more', () => {
    const s = scenarioOf({ vehicles: 10_000, service_area_km2: 50, query_area_km2: 50 });
    const q = areaQuery(s, 2000);
    expect(q.share_of_cells).toBe(1);
    expect(q.rows_scanned).toBe(7_200_000);
    expect(q.rows_scanned_max).toBe(7_200_000);
  });

  it('defaults to the built-in city and its mean district', () => {
    const q = areaQuery(scenarioOf({ vehicles: 1 }), 1);
    const city = builtInCityAreas();
    expect(city.districtCount).toBe(16);
    expect(q.service_area_km2).toBeCloseTo(city.serviceAreaKm2, 9);
    expect(q.query_area_km2).toBeCloseTo(city.serviceAreaKm2 / 16, 9);
  });
});
