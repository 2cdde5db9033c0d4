-- area-vehicles: which vehicles had at least one matching position inside an
-- area during a period, with their first and last matching time, number of
-- matching positions and top speed. POST /v1/area-query runs this file.
--
-- Exactness. A position matches when pointInPolygon puts it inside {polygons}
-- (strictly inside an outer ring; on a hole's edge counts as inside), its ts is
-- in [from, to), and the speed and type filters hold. The H3 cells only decide
-- which granules ClickHouse reads (the sort key starts with h3_cell, then the hour):
--   interior_cells  cells lying wholly inside the area and clear of every edge,
--                   compacted (any resolution up to 8): their positions match
--                   without a point-in-polygon test;
--   boundary_cells  res-8 cells an edge crosses or comes near: their positions
--                   are tested with pointInPolygon.
-- With both lists empty no index is used and every position of the period is
-- tested: slower, same answer. `fleetlake area-cells` prints the two lists.
--
-- Parameters (clickhouse-client --param_NAME=VALUE; fleetlake sql --param NAME=VALUE):
--   polygons        MultiPolygon, points (lon, lat): [[[(-73.6,45.5),(-73.5,45.5),(-73.5,45.6),(-73.6,45.5)]]]
--   interior_cells  Array(UInt64), e.g. [] or [613257713889050623]
--   boundary_cells  Array(UInt64)
--   from, to        DateTime64(3, 'UTC') as 'YYYY-MM-DD hh:mm:ss.sss'; from <= ts < to
--   min_speed_kmh   Float64: 0 for every position, the moving threshold (api.moving_threshold_kmh) for moving only
--   vehicle_types   Array(String): [] for every type, e.g. ['van','truck']
--   limit           UInt32: most vehicles returned, in vehicle_id order
--   restrict_group  String: '' for every vehicle, or a group of fleet.vehicle_groups (the API key's restriction)
--   restrict_area   MultiPolygon: [] for everywhere, or the API key's area (positions strictly inside count)
SELECT
    vehicle_id,
    argMax(vehicle_type, ts) AS vehicle_type,
    min(ts) AS first_ts,
    max(ts) AS last_ts,
    count() AS positions,
    toFloat64(max(speed_kmh)) AS max_speed_kmh
FROM fleet.positions AS p
-- Two steps. Reading lat and lon costs most of a long period, and pointInPolygon
-- on a MultiPolygon (boost::geometry) about as much again per position; on one
-- Polygon ClickHouse tests against a grid index for a few nanoseconds, but
-- counts a point on the outer ring as inside. So PREWHERE keeps what the grid
-- test passes (a superset: it only adds edge points), and WHERE decides those
-- rows with the MultiPolygon test, which defines the answer. A multi-part area
-- skips the first step. docs/api.md (Exactness) has the measurement.
PREWHERE ((empty({interior_cells:Array(UInt64)}) AND empty({boundary_cells:Array(UInt64)}))
          OR h3_cell IN (SELECT arrayJoin(arrayConcat({boundary_cells:Array(UInt64)},
                                                       arrayFlatten(arrayMap(c -> h3ToChildren(c, 8), {interior_cells:Array(UInt64)}))))))
  -- The period again, in the sort key's own terms: ClickHouse does not carry a
  -- bound on ts over to toStartOfHour(ts), so without this line the index reads
  -- every hour of a cell up to `to` (docs/storage.md).
  AND toStartOfHour(ts) BETWEEN toStartOfHour({from:DateTime64(3, 'UTC')})
                            AND toStartOfHour({to:DateTime64(3, 'UTC')} - INTERVAL 1 MILLISECOND)
  AND ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')}
  AND (h3_cell IN (SELECT arrayJoin(arrayFlatten(arrayMap(c -> h3ToChildren(c, 8), {interior_cells:Array(UInt64)}))))
        OR length({polygons:MultiPolygon}) > 1
        OR pointInPolygon((toFloat64(lon), toFloat64(lat)), {polygons:MultiPolygon}[1]))
WHERE (h3_cell IN (SELECT arrayJoin(arrayFlatten(arrayMap(c -> h3ToChildren(c, 8), {interior_cells:Array(UInt64)}))))
        OR pointInPolygon((toFloat64(lon), toFloat64(lat)), {polygons:MultiPolygon}))
  AND ({min_speed_kmh:Float64} = 0 OR toFloat64(speed_kmh) >= {min_speed_kmh:Float64})
  -- p.vehicle_type is the column; plain vehicle_type would be the argMax alias above.
  AND (empty({vehicle_types:Array(String)}) OR p.vehicle_type IN {vehicle_types:Array(String)})
  -- The API key's restriction (docs/security.md): this key sees only these vehicles and places.
  AND ({restrict_group:String} = '' OR p.vehicle_id IN (SELECT vehicle_id FROM fleet.vehicle_groups WHERE group_name = {restrict_group:String}))
  AND (empty({restrict_area:MultiPolygon}) OR pointInPolygon((toFloat64(p.lon), toFloat64(p.lat)), {restrict_area:MultiPolygon}))
GROUP BY vehicle_id
ORDER BY vehicle_id
LIMIT {limit:UInt32}
