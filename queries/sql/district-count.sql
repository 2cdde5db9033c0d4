-- district-count: how many vehicles were inside a district at instant `at`.
-- A vehicle counts when its last position in the look-back window
-- (at - lookback_ms, at] is inside the district (pointInPolygon, as for area
-- queries); a vehicle with no position in the window is not counted anywhere.
-- GET /v1/districts/{id}/count runs this file.
--
-- Every vehicle's last position in the window is needed (one that left the
-- district since must not count), so the window is read whole; it is short
-- (api.district_lookback, default 5 minutes) and ts pruning keeps it cheap.
-- An unknown district_id makes the polygon subquery empty and ClickHouse fails.
--
-- Parameters (clickhouse-client --param_NAME=VALUE; fleetlake sql --param NAME=VALUE):
--   district_id  String, e.g. d01
--   at           DateTime64(3, 'UTC') as 'YYYY-MM-DD hh:mm:ss.sss'
--   lookback_ms  UInt64, e.g. 300000 for 5 minutes
--   restrict_group  String: '' for every vehicle, or a group of fleet.vehicle_groups (the API key's restriction)
--   restrict_area   MultiPolygon: [] for everywhere, or the API key's area (positions strictly inside count)
SELECT
    countIf(pointInPolygon(last_point, (SELECT polygons FROM fleet.districts WHERE id = {district_id:String}))) AS vehicles,
    count() AS vehicles_seen
FROM
(
    SELECT vehicle_id, argMax((toFloat64(lon), toFloat64(lat)), ts) AS last_point
    FROM fleet.positions
    WHERE ts > {at:DateTime64(3, 'UTC')} - toIntervalMillisecond({lookback_ms:UInt64})
      AND ts <= {at:DateTime64(3, 'UTC')}
      -- The API key's restriction (docs/security.md): this key sees only these vehicles and places.
      AND ({restrict_group:String} = '' OR vehicle_id IN (SELECT vehicle_id FROM fleet.vehicle_groups WHERE group_name = {restrict_group:String}))
      AND (empty({restrict_area:MultiPolygon}) OR pointInPolygon((toFloat64(lon), toFloat64(lat)), {restrict_area:MultiPolygon}))
    GROUP BY vehicle_id
)
