import { cellArea, getHexagonAreaAvg, polygonToCells } from 'h3-js';
import { loadDistricts } from '../core/districts.ts';
import { H3_RESOLUTION } from '../core/names.ts';
import { encodePosition, type Position } from '../core/position.ts';

/**
 * Defaults that are measured rather than typed in: the broker size of one
 * message and the built-in city's areas. Computed on first use, from the same
 * contracts the other stages use, so they follow when those change.
 */

/** A position as a vehicle in the built-in city sends it mid-route. */
export const TYPICAL_POSITION: Position = {
  vehicle_id: 'veh-000042',
  ts_ms: Date.UTC(2025, 0, 15, 8, 30, 5, 250),
  lat: 45.512345,
  lon: -73.567891,
  speed_kmh: 42.5,
  heading_deg: 187,
  vehicle_type: 'van',
};

/**
 * Kafka record-format v2 adds about 12 bytes per record (length, attributes,
 * timestamp and offset deltas, key and value lengths, header count as varints);
 * the 61-byte batch header is under one byte a record at 100+ records a batch.
 */
export const KAFKA_RECORD_OVERHEAD_BYTES = 12;

/** Bytes one position takes in the broker log: the encodePosition value, the vehicle-id key and the record overhead. */
export function typicalMessageBytes(): number {
  return Buffer.byteLength(encodePosition(TYPICAL_POSITION)) + Buffer.byteLength(TYPICAL_POSITION.vehicle_id) + KAFKA_RECORD_OVERHEAD_BYTES;
}

/** Average area of one H3 cell at the lake's resolution, in km². */
export const H3_CELL_AREA_KM2 = getHexagonAreaAvg(H3_RESOLUTION, 'km2');

export interface CityAreas {
  readonly serviceAreaKm2: number;
  readonly districtCount: number;
  /** The mean district: the "typical area query" of the estimate. */
  readonly meanDistrictKm2: number;
}

let cached: CityAreas | undefined;

/** The built-in districts' total and mean area, as the H3 cells (centre inside) that cover them. */
export function builtInCityAreas(): CityAreas {
  if (cached) return cached;
  const districts = loadDistricts();
  let area = 0;
  for (const district of districts) {
    for (const polygon of district.polygons) {
      for (const cell of polygonToCells(polygon, H3_RESOLUTION, true)) area += cellArea(cell, 'km2');
    }
  }
  cached = { serviceAreaKm2: area, districtCount: districts.length, meanDistrictKm2: area / districts.length };
  return cached;
}
