-- districts-list: every district with its outline. GET /v1/districts runs this file.
-- polygons is a MultiPolygon of (lon, lat) points (see schema/migrations/0010_districts.sql).
-- No parameters.
SELECT id, name, polygons
FROM fleet.districts
ORDER BY id
