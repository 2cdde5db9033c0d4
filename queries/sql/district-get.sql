-- district-get: one district's name and outline, or no row when the id is unknown.
-- The API reads it to answer 404 for unknown districts and to compute the H3
-- cover of `{"district_id": ...}` areas.
--
-- Parameters (clickhouse-client --param_NAME=VALUE; fleetlake sql --param NAME=VALUE):
--   district_id  String, e.g. d01
SELECT id, name, polygons
FROM fleet.districts
WHERE id = {district_id:String}
