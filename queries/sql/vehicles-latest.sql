-- vehicles-latest: the last known position of every vehicle, read from
-- fleet.latest_positions (kept by a materialized view), not from history.
-- GET /v1/vehicles/latest runs this file.
--
-- FINAL sits in a subquery so the filters apply to each vehicle's newest row
-- only: filtering first could pick an older row that still matched.
--
-- Parameters (clickhouse-client --param_NAME=VALUE; fleetlake sql --param NAME=VALUE):
--   since           DateTime64(3, 'UTC'): oldest last-seen time kept ('1970-01-01 00:00:00.000' for all)
--   min_lon, min_lat, max_lon, max_lat  Float64: bounding box, edges included (-180, -90, 180, 90 for all)
--   vehicle_types   Array(String): [] for every type
--   limit           UInt32: most vehicles returned, in vehicle_id order
--   restrict_group  String: '' for every vehicle, or a group of fleet.vehicle_groups (the API key's restriction)
--   restrict_area   MultiPolygon: [] for everywhere, or the API key's area (positions strictly inside count)
SELECT vehicle_id, ts, lat, lon, speed_kmh, heading_deg, vehicle_type
FROM
(
    SELECT
        vehicle_id,
        ts,
        toFloat64(lat) AS lat,
        toFloat64(lon) AS lon,
        toFloat64(speed_kmh) AS speed_kmh,
        heading_deg,
        vehicle_type
    FROM fleet.latest_positions FINAL
)
WHERE ts >= {since:DateTime64(3, 'UTC')}
  AND lon BETWEEN {min_lon:Float64} AND {max_lon:Float64}
  AND lat BETWEEN {min_lat:Float64} AND {max_lat:Float64}
  AND (empty({vehicle_types:Array(String)}) OR vehicle_type IN {vehicle_types:Array(String)})
  -- The API key's restriction (docs/security.md): this key sees only these vehicles and places.
  AND ({restrict_group:String} = '' OR vehicle_id IN (SELECT vehicle_id FROM fleet.vehicle_groups WHERE group_name = {restrict_group:String}))
  AND (empty({restrict_area:MultiPolygon}) OR pointInPolygon((toFloat64(lon), toFloat64(lat)), {restrict_area:MultiPolygon}))
ORDER BY vehicle_id
LIMIT {limit:UInt32}
