-- devices-list: every device of the registry (fleet.devices, newest state per
-- device) with its vehicle's last known position from fleet.latest_positions.
-- GET /v1/devices runs this file. A device is "online" when its vehicle was
-- seen at or after online_since: the gateway runs in other processes, so the
-- last position is what the lake knows of a device's presence.
--
-- Parameters (clickhouse-client --param_NAME=VALUE; fleetlake sql --param NAME=VALUE):
--   online_since    DateTime64(3, 'UTC'): seen at or after this counts as online
--   limit           UInt32: most devices returned, in device_id order
--   restrict_group  String: '' for every device, or a group of fleet.vehicle_groups (the API key's restriction)
--   restrict_area   MultiPolygon: [] for everywhere, or the API key's area (devices last seen strictly inside)
SELECT
    d.device_id AS device_id,
    d.vehicle_id AS vehicle_id,
    d.vehicle_type AS vehicle_type,
    d.enabled AS enabled,
    l.vehicle_id != '' AS seen,
    l.vehicle_id != '' AND l.ts >= {online_since:DateTime64(3, 'UTC')} AS online,
    l.ts AS last_seen,
    l.lat AS lat,
    l.lon AS lon,
    l.speed_kmh AS speed_kmh,
    l.heading_deg AS heading_deg
FROM
(
    SELECT
        device_id,
        argMax(vehicle_id, updated_at) AS vehicle_id,
        argMax(vehicle_type, updated_at) AS vehicle_type,
        argMax(enabled, updated_at) AS enabled
    FROM fleet.devices
    GROUP BY device_id
) AS d
LEFT JOIN
(
    SELECT vehicle_id, ts, toFloat64(lat) AS lat, toFloat64(lon) AS lon, toFloat64(speed_kmh) AS speed_kmh, heading_deg
    FROM fleet.latest_positions FINAL
) AS l ON l.vehicle_id = d.vehicle_id
-- The API key's restriction (docs/security.md): a device is shown only when its vehicle is, and a
-- device never seen has no place inside an area.
WHERE ({restrict_group:String} = '' OR d.vehicle_id IN (SELECT vehicle_id FROM fleet.vehicle_groups WHERE group_name = {restrict_group:String}))
  AND (empty({restrict_area:MultiPolygon}) OR (l.vehicle_id != '' AND pointInPolygon((l.lon, l.lat), {restrict_area:MultiPolygon})))
ORDER BY device_id
LIMIT {limit:UInt32}
