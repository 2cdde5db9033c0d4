-- area-vehicles-rollup: the same answer as area-vehicles.sql (read that file
-- first: exactness, parameters), assembled from the presence rollups where they
-- give it exactly (schema/migrations/0060_presence_rollups.sql) and from raw
-- positions only where they cannot. POST /v1/area-query runs this file when its
-- planner (queries/area-plan.ts) picks the rollup path.
--
-- The period [from, to) is cut into
--   whole days      [day_from, day_to)                 fleet.presence_daily
--   whole hours     [hour_from, hour_to) minus the days fleet.presence_hourly
--   partial hours   [from, hour_from) and [hour_to, to) fleet.positions
-- and the cover into interior cells (wholly inside: every position counts, so a
-- cell's rollup rows are its answer) and boundary cells, which are always read
-- from fleet.positions over the whole period and tested with pointInPolygon.
-- The four parts are aggregated per vehicle, each with the type of its last
-- position, and folded: min of firsts, max of lasts, sum of counts, max of top
-- speeds, and the type of the part holding the last position.
--
-- Moving only. The rollups hold the moving columns for the default threshold of
-- 5 km/h; the planner takes this path with moving_only only when
-- api.moving_threshold_kmh is 5, and passes min_speed_kmh = 5 for the raw parts.
-- An API key restricted to an area cannot be honoured by a rollup row (it is
-- not one position): the planner runs area-vehicles.sql for such keys, and the
-- rollup parts below contribute nothing unless restrict_area is empty.
--
-- Parameters besides those of area-vehicles.sql (interior_cells must not be empty):
--   moving_only          Bool: use the rollups' moving columns
--   hour_from, hour_to   DateTime('UTC') 'YYYY-MM-DD hh:mm:ss', whole hours, from <= hour_from < hour_to <= to
--   day_from, day_to     DateTime('UTC'), whole days inside [hour_from, hour_to]; day_from = day_to for none
SELECT
    vehicle_id,
    argMax(vtype, t_last) AS vehicle_type,
    min(t_first) AS first_ts,
    max(t_last) AS last_ts,
    sum(n) AS positions,
    toFloat64(max(top)) AS max_speed_kmh
FROM
(
    SELECT vehicle_id, argMax(vehicle_type, if({moving_only:Bool}, moving_last_ts, last_ts)) AS vtype,
           min(if({moving_only:Bool}, moving_first_ts, first_ts)) AS t_first,
           max(if({moving_only:Bool}, moving_last_ts, last_ts)) AS t_last,
           sum(if({moving_only:Bool}, moving_positions, positions)) AS n,
           max(max_speed_kmh) AS top
    FROM fleet.presence_daily
    WHERE h3_cell IN (SELECT arrayJoin(arrayFlatten(arrayMap(c -> h3ToChildren(c, 8), {interior_cells:Array(UInt64)}))))
      AND day >= {day_from:DateTime('UTC')} AND day < {day_to:DateTime('UTC')}
      AND (NOT {moving_only:Bool} OR moving_positions > 0)
      AND (empty({vehicle_types:Array(String)}) OR vehicle_type IN {vehicle_types:Array(String)})
      AND ({restrict_group:String} = '' OR vehicle_id IN (SELECT vehicle_id FROM fleet.vehicle_groups WHERE group_name = {restrict_group:String}))
      AND empty({restrict_area:MultiPolygon})
    GROUP BY vehicle_id

    UNION ALL

    SELECT vehicle_id, argMax(vehicle_type, if({moving_only:Bool}, moving_last_ts, last_ts)) AS vtype,
           min(if({moving_only:Bool}, moving_first_ts, first_ts)) AS t_first,
           max(if({moving_only:Bool}, moving_last_ts, last_ts)) AS t_last,
           sum(if({moving_only:Bool}, moving_positions, positions)) AS n,
           max(max_speed_kmh) AS top
    FROM fleet.presence_hourly
    WHERE h3_cell IN (SELECT arrayJoin(arrayFlatten(arrayMap(c -> h3ToChildren(c, 8), {interior_cells:Array(UInt64)}))))
      AND hour >= {hour_from:DateTime('UTC')} AND hour < {hour_to:DateTime('UTC')}
      AND NOT (hour >= {day_from:DateTime('UTC')} AND hour < {day_to:DateTime('UTC')})
      AND (NOT {moving_only:Bool} OR moving_positions > 0)
      AND (empty({vehicle_types:Array(String)}) OR vehicle_type IN {vehicle_types:Array(String)})
      AND ({restrict_group:String} = '' OR vehicle_id IN (SELECT vehicle_id FROM fleet.vehicle_groups WHERE group_name = {restrict_group:String}))
      AND empty({restrict_area:MultiPolygon})
    GROUP BY vehicle_id

    UNION ALL

    -- Interior cells in the partial hours at the period's ends: no point-in-polygon test needed.
    SELECT vehicle_id, argMax(vehicle_type, ts) AS vtype, min(ts) AS t_first, max(ts) AS t_last, count() AS n, max(speed_kmh) AS top
    FROM fleet.positions
    WHERE h3_cell IN (SELECT arrayJoin(arrayFlatten(arrayMap(c -> h3ToChildren(c, 8), {interior_cells:Array(UInt64)}))))
      AND ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')}
      -- In the sort key's own terms (see area-vehicles.sql); hour_from and hour_to are whole hours.
      AND toStartOfHour(ts) BETWEEN toStartOfHour({from:DateTime64(3, 'UTC')})
                                AND toStartOfHour({to:DateTime64(3, 'UTC')} - INTERVAL 1 MILLISECOND)
      AND (toStartOfHour(ts) < {hour_from:DateTime('UTC')} OR toStartOfHour(ts) >= {hour_to:DateTime('UTC')})
      AND ({min_speed_kmh:Float64} = 0 OR toFloat64(speed_kmh) >= {min_speed_kmh:Float64})
      AND (empty({vehicle_types:Array(String)}) OR vehicle_type IN {vehicle_types:Array(String)})
      AND ({restrict_group:String} = '' OR vehicle_id IN (SELECT vehicle_id FROM fleet.vehicle_groups WHERE group_name = {restrict_group:String}))
      AND (empty({restrict_area:MultiPolygon}) OR pointInPolygon((toFloat64(lon), toFloat64(lat)), {restrict_area:MultiPolygon}))
    GROUP BY vehicle_id

    UNION ALL

    -- Boundary cells over the whole period, each position tested: most of what a
    -- long period costs, so in two steps (area-vehicles.sql says why).
    SELECT vehicle_id, argMax(vehicle_type, ts) AS vtype, min(ts) AS t_first, max(ts) AS t_last, count() AS n, max(speed_kmh) AS top
    FROM fleet.positions
    PREWHERE h3_cell IN (SELECT arrayJoin({boundary_cells:Array(UInt64)}))
      AND toStartOfHour(ts) BETWEEN toStartOfHour({from:DateTime64(3, 'UTC')})
                                AND toStartOfHour({to:DateTime64(3, 'UTC')} - INTERVAL 1 MILLISECOND)
      AND ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')}
      AND (length({polygons:MultiPolygon}) > 1 OR pointInPolygon((toFloat64(lon), toFloat64(lat)), {polygons:MultiPolygon}[1]))
    WHERE pointInPolygon((toFloat64(lon), toFloat64(lat)), {polygons:MultiPolygon})
      AND ({min_speed_kmh:Float64} = 0 OR toFloat64(speed_kmh) >= {min_speed_kmh:Float64})
      AND (empty({vehicle_types:Array(String)}) OR vehicle_type IN {vehicle_types:Array(String)})
      AND ({restrict_group:String} = '' OR vehicle_id IN (SELECT vehicle_id FROM fleet.vehicle_groups WHERE group_name = {restrict_group:String}))
      AND (empty({restrict_area:MultiPolygon}) OR pointInPolygon((toFloat64(lon), toFloat64(lat)), {restrict_area:MultiPolygon}))
    GROUP BY vehicle_id
)
GROUP BY vehicle_id
ORDER BY vehicle_id
LIMIT {limit:UInt32}
