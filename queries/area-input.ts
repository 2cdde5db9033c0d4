import { FleetlakeError } from '../core/errors.ts';
import { checkArea, type MultiPolygonCoords } from '../core/geojson.ts';
import type { QueryRunner } from './query-runner.ts';

/** The `area` of an area query: a GeoJSON Polygon/MultiPolygon, or a stored district. */
export interface AreaInput {
  readonly type?: string;
  readonly coordinates?: unknown;
  readonly district_id?: string;
}

export interface ResolvedArea {
  readonly polygons: MultiPolygonCoords;
  readonly vertices: number;
  readonly district?: { readonly id: string; readonly name: string };
}

export interface DistrictRow {
  readonly id: string;
  readonly name: string;
  readonly polygons: MultiPolygonCoords;
}

/** Reads a district through the named query, answering 404 when it is unknown. */
export async function findDistrict(queries: QueryRunner, id: string, signal?: AbortSignal): Promise<DistrictRow> {
  const { rows } = await queries.all<DistrictRow>('district-get', { district_id: id }, signal);
  const district = rows[0];
  if (!district) throw new FleetlakeError('API_DISTRICT_NOT_FOUND', { id: JSON.stringify(id) });
  return district;
}

export async function resolveArea(area: AreaInput, queries: QueryRunner, maxVertices: number, signal?: AbortSignal): Promise<ResolvedArea> {
  const invalid = (detail: string) => new FleetlakeError('API_INVALID_AREA', { detail });
  if (area.district_id !== undefined) {
    if (area.type !== undefined || area.coordinates !== undefined) throw invalid('area gives both a district_id and a geometry; give one of them');
    const district = await findDistrict(queries, area.district_id, signal);
    return { polygons: district.polygons, vertices: countVertices(district.polygons), district: { id: district.id, name: district.name } };
  }
  if (area.type === undefined) throw invalid('area must be a GeoJSON Polygon or MultiPolygon, or {"district_id": "..."}');
  const checked = checkArea(area, 'area');
  if (!checked.ok) throw invalid(checked.message);
  if (checked.vertices > maxVertices) throw new FleetlakeError('API_TOO_MANY_VERTICES', { field: 'area', vertices: checked.vertices, max: maxVertices });
  return { polygons: checked.polygons, vertices: checked.vertices };
}

function countVertices(polygons: MultiPolygonCoords): number {
  return polygons.reduce((sum, rings) => sum + rings.reduce((n, ring) => n + ring.length, 0), 0);
}
