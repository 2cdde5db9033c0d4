-- fleet.districts: the city's named areas, for `{"district_id": ...}` in area
-- queries, GET /v1/districts and the per-district counts (dashboards may join
-- them too). The query API cannot import the generator, so the districts live
-- here: `fleetlake districts load [file.geojson]` replaces them, and `fleetlake
-- serve` loads the built-in city (core/districts/montreal.geojson) when the
-- table is empty.
--
-- polygons is a MultiPolygon: [polygon][ring][point] with points (lon, lat),
-- ring 0 the outer boundary and further rings holes, exactly the form
-- pointInPolygon takes, so SQL can test positions against a district directly:
--   pointInPolygon((toFloat64(lon), toFloat64(lat)), (SELECT polygons FROM fleet.districts WHERE id = 'd01'))
CREATE TABLE IF NOT EXISTS fleet.districts
(
    id        String,
    name      String,
    polygons  MultiPolygon,
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY id;
