-- area-positions: every position inside an area during a period, by vehicle
-- then time. POST /v1/area-query/positions runs this file, in every output
-- format (JSONEachRow, CSVWithNames, Parquet, ArrowStream): the rows that
-- area-vehicles.sql sums up, one by one, for replay and export.
--
-- Exactness is area-vehicles.sql's, with the same conditions: a position
-- matches when pointInPolygon puts it inside {polygons} (strictly inside an
-- outer ring; on a hole's edge counts as inside), its ts is in [from, to), and
-- the speed and type filters hold. The H3 cells only choose what is read:
-- positions of interior_cells match without a point-in-polygon test, those of
-- boundary_cells are tested; both lists empty reads and tests the whole period.
-- `fleetlake area-cells` prints the two lists and the polygons for an area.
--
-- Rows are ordered by vehicle_id, then ts: one vehicle's track is contiguous
-- and in time order, what a replay or a per-vehicle export reads. There is no
-- LIMIT: the period and the time budget (api.query_timeout) bound the answer.
--
-- Parameters (clickhouse-client --param_NAME=VALUE; fleetlake sql --param NAME=VALUE):
--   polygons        MultiPolygon, points (lon, lat): [[[(-73.6,45.5),(-73.5,45.5),(-73.5,45.6),(-73.6,45.5)]]]
--   interior_cells  Array(UInt64), e.g. [] or [613257713889050623]
--   boundary_cells  Array(UInt64)
--   from, to        DateTime64(3, 'UTC') as 'YYYY-MM-DD hh:mm:ss.sss'; from <= ts < to
--   min_speed_kmh   Float64: 0 for every position, the moving threshold (api.moving_threshold_kmh) for moving only
--   vehicle_types   Array(String): [] for every type, e.g. ['van','truck']
--   restrict_group  String: '' for every vehicle, or a group of fleet.vehicle_groups (the API key's restriction)
--   restrict_area   MultiPolygon: [] for everywhere, or the API key's area (positions strictly inside count)
SELECT
    vehicle_id,
    ts,
    toFloat64(lat) AS lat,
    toFloat64(lon) AS lon,
    toFloat64(speed_kmh) AS speed_kmh,
    heading_deg,
    vehicle_type
FROM fleet.positions AS p
-- In two steps, the grid test first, as area-vehicles.sql explains.
PREWHERE ((empty({interior_cells:Array(UInt64)}) AND empty({boundary_cells:Array(UInt64)}))
          OR h3_cell IN (SELECT arrayJoin(arrayConcat({boundary_cells:Array(UInt64)},
                                                       arrayFlatten(arrayMap(c -> h3ToChildren(c, 8), {interior_cells:Array(UInt64)}))))))
  -- The period in the sort key's own terms, as in area-vehicles.sql: without it
  -- the index reads every hour of a cell up to `to` (docs/storage.md).
  AND toStartOfHour(ts) BETWEEN toStartOfHour({from:DateTime64(3, 'UTC')})
                            AND toStartOfHour({to:DateTime64(3, 'UTC')} - INTERVAL 1 MILLISECOND)
  AND ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')}
  AND (h3_cell IN (SELECT arrayJoin(arrayFlatten(arrayMap(c -> h3ToChildren(c, 8), {interior_cells:Array(UInt64)}))))
        OR length({polygons:MultiPolygon}) > 1
        OR pointInPolygon((toFloat64(lon), toFloat64(lat)), {polygons:MultiPolygon}[1]))
WHERE (h3_cell IN (SELECT arrayJoin(arrayFlatten(arrayMap(c -> h3ToChildren(c, 8), {interior_cells:Array(UInt64)}))))
        OR pointInPolygon((toFloat64(lon), toFloat64(lat)), {polygons:MultiPolygon}))
  AND ({min_speed_kmh:Float64} = 0 OR toFloat64(speed_kmh) >= {min_speed_kmh:Float64})
  AND (empty({vehicle_types:Array(String)}) OR p.vehicle_type IN {vehicle_types:Array(String)})
  -- The API key's restriction (docs/security.md): this key sees only these vehicles and places.
  AND ({restrict_group:String} = '' OR p.vehicle_id IN (SELECT vehicle_id FROM fleet.vehicle_groups WHERE group_name = {restrict_group:String}))
  AND (empty({restrict_area:MultiPolygon}) OR pointInPolygon((toFloat64(p.lon), toFloat64(p.lat)), {restrict_area:MultiPolygon}))
ORDER BY vehicle_id, ts
