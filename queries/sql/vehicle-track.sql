-- vehicle-track: one vehicle's positions in time order.
-- GET /v1/vehicles/{id}/track runs this file (every output format).
--
-- vehicle_id is third in the sort key, so ClickHouse narrows by period (part
-- ranges and hours) and then reads the granules of that period.
--
-- Parameters (clickhouse-client --param_NAME=VALUE; fleetlake sql --param NAME=VALUE):
--   vehicle_id  String
--   from, to    DateTime64(3, 'UTC') as 'YYYY-MM-DD hh:mm:ss.sss'; from <= ts < to
--   limit       UInt32: most points returned (the earliest ones)
--   restrict_group  String: '' for every vehicle, or a group of fleet.vehicle_groups (the API key's restriction)
--   restrict_area   MultiPolygon: [] for everywhere, or the API key's area (positions strictly inside count)
SELECT
    ts,
    toFloat64(lat) AS lat,
    toFloat64(lon) AS lon,
    toFloat64(speed_kmh) AS speed_kmh,
    heading_deg,
    vehicle_type
FROM fleet.positions
WHERE vehicle_id = {vehicle_id:String}
  AND ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')}
  -- The API key's restriction (docs/security.md): this key sees only these vehicles and places.
  AND ({restrict_group:String} = '' OR vehicle_id IN (SELECT vehicle_id FROM fleet.vehicle_groups WHERE group_name = {restrict_group:String}))
  AND (empty({restrict_area:MultiPolygon}) OR pointInPolygon((toFloat64(lon), toFloat64(lat)), {restrict_area:MultiPolygon}))
ORDER BY ts
LIMIT {limit:UInt32}
