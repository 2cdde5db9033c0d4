-- district-occupancy: how many distinct vehicles had at least one position
-- inside an area during each step of a period. GET /v1/districts/{id}/occupancy
-- runs this file; steps without any vehicle are absent (the API fills them with 0).
--
-- Exact, like area-vehicles.sql: interior cells (wholly inside the area) are read
-- from fleet.presence_hourly, one row per vehicle, cell and hour, which the step
-- groups; boundary cells from fleet.positions, each position tested with
-- pointInPolygon. Steps are whole hours, from and to too, so every hour lies in
-- exactly one step. An API key restricted to an area reads the interior from
-- raw positions too (a rollup row cannot be tested against the key's area).
--
-- Parameters (clickhouse-client --param_NAME=VALUE; fleetlake sql --param NAME=VALUE):
--   polygons        MultiPolygon, points (lon, lat)
--   interior_cells  Array(UInt64), compacted (resolutions up to 8); boundary_cells Array(UInt64), res 8
--   from, to        DateTime('UTC') 'YYYY-MM-DD hh:00:00', whole hours; from <= hour < to
--   step_s          UInt32: the step in seconds, a multiple of 3600
--   restrict_group  String: '' for every vehicle, or a group of fleet.vehicle_groups (the API key's restriction)
--   restrict_area   MultiPolygon: [] for everywhere, or the API key's area (positions strictly inside count)
SELECT
    step,
    {from:DateTime('UTC')} + toIntervalSecond(step * {step_s:UInt32}) AS step_start,
    uniqExact(vehicle_id) AS vehicles
FROM
(
    SELECT intDiv(toUnixTimestamp(hour) - toUnixTimestamp({from:DateTime('UTC')}), {step_s:UInt32}) AS step, vehicle_id
    FROM fleet.presence_hourly
    WHERE h3_cell IN (SELECT arrayJoin(arrayFlatten(arrayMap(c -> h3ToChildren(c, 8), {interior_cells:Array(UInt64)}))))
      AND hour >= {from:DateTime('UTC')} AND hour < {to:DateTime('UTC')}
      AND ({restrict_group:String} = '' OR vehicle_id IN (SELECT vehicle_id FROM fleet.vehicle_groups WHERE group_name = {restrict_group:String}))
      AND empty({restrict_area:MultiPolygon})

    UNION ALL

    SELECT intDiv(toUnixTimestamp(ts) - toUnixTimestamp({from:DateTime('UTC')}), {step_s:UInt32}) AS step, vehicle_id
    FROM fleet.positions
    -- In two steps, the grid test first, as area-vehicles.sql explains.
    PREWHERE (h3_cell IN (SELECT arrayJoin({boundary_cells:Array(UInt64)}))
              OR (NOT empty({restrict_area:MultiPolygon})
                  AND h3_cell IN (SELECT arrayJoin(arrayFlatten(arrayMap(c -> h3ToChildren(c, 8), {interior_cells:Array(UInt64)}))))))
      AND toStartOfHour(ts) >= {from:DateTime('UTC')} AND toStartOfHour(ts) < {to:DateTime('UTC')}
      AND ts >= {from:DateTime('UTC')} AND ts < {to:DateTime('UTC')}
      AND (length({polygons:MultiPolygon}) > 1 OR pointInPolygon((toFloat64(lon), toFloat64(lat)), {polygons:MultiPolygon}[1]))
    WHERE pointInPolygon((toFloat64(lon), toFloat64(lat)), {polygons:MultiPolygon})
      AND ({restrict_group:String} = '' OR vehicle_id IN (SELECT vehicle_id FROM fleet.vehicle_groups WHERE group_name = {restrict_group:String}))
      AND (empty({restrict_area:MultiPolygon}) OR pointInPolygon((toFloat64(lon), toFloat64(lat)), {restrict_area:MultiPolygon}))
)
GROUP BY step
ORDER BY step
