-- heatmap: positions and distinct vehicles per H3 cell over a period,
-- optionally inside a bounding box. GET /v1/heatmap runs this file.
--
-- Cells come from the stored res-8 h3_cell (h3ToParent for coarser
-- resolutions) and are returned as H3 strings. The box test is exact
-- (edges included); {cells} only narrows what ClickHouse reads: the compacted
-- H3 cover of the box, or [] to read the whole period.
--
-- Parameters (clickhouse-client --param_NAME=VALUE; fleetlake sql --param NAME=VALUE):
--   from, to        DateTime64(3, 'UTC') as 'YYYY-MM-DD hh:mm:ss.sss'; from <= ts < to
--   resolution      UInt8, 0 to 8
--   min_lon, min_lat, max_lon, max_lat  Float64: bounding box (-180, -90, 180, 90 for all)
--   cells           Array(UInt64): cells covering the box (any resolution up to 8), or []
--   limit           UInt32: most cells returned, in cell order
--   restrict_group  String: '' for every vehicle, or a group of fleet.vehicle_groups (the API key's restriction)
--   restrict_area   MultiPolygon: [] for everywhere, or the API key's area (positions strictly inside count)
SELECT
    h3ToString(h3ToParent(h3_cell, {resolution:UInt8})) AS cell,
    count() AS positions,
    uniqExact(vehicle_id) AS vehicles
FROM fleet.positions
WHERE (empty({cells:Array(UInt64)})
        OR h3_cell IN (SELECT arrayJoin(arrayFlatten(arrayMap(c -> h3ToChildren(c, 8), {cells:Array(UInt64)})))))
  AND ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')}
  AND toFloat64(lon) BETWEEN {min_lon:Float64} AND {max_lon:Float64}
  AND toFloat64(lat) BETWEEN {min_lat:Float64} AND {max_lat:Float64}
  -- The API key's restriction (docs/security.md): this key sees only these vehicles and places.
  AND ({restrict_group:String} = '' OR vehicle_id IN (SELECT vehicle_id FROM fleet.vehicle_groups WHERE group_name = {restrict_group:String}))
  AND (empty({restrict_area:MultiPolygon}) OR pointInPolygon((toFloat64(lon), toFloat64(lat)), {restrict_area:MultiPolygon}))
GROUP BY cell
ORDER BY cell
LIMIT {limit:UInt32}
