-- area-vehicles-table: the vehicles of an area query's answer as a table, so
-- that ClickHouse writes them in a file format (Parquet) with typed columns.
-- POST /v1/area-query runs this file for `format=parquet`, after the answer is
-- computed (queries/summary-export.ts): it reads no table, only its parameter.
--
-- Parameters (clickhouse-client --param_NAME=VALUE; fleetlake sql --param NAME=VALUE):
--   vehicles  String: a JSON array of [vehicle_id, vehicle_type, first_ts, last_ts, positions, max_speed_kmh]
--             arrays, times as RFC 3339, e.g. [["v-00001","van","2025-03-03T07:00:00.000Z","2025-03-03T07:10:00.000Z",12,41.5]]
SELECT
    tupleElement(v, 1) AS vehicle_id,
    tupleElement(v, 2) AS vehicle_type,
    tupleElement(v, 3) AS first_ts,
    tupleElement(v, 4) AS last_ts,
    tupleElement(v, 5) AS positions,
    tupleElement(v, 6) AS max_speed_kmh
FROM (SELECT arrayJoin(JSONExtract({vehicles:String}, 'Array(Tuple(String, String, DateTime64(3, \'UTC\'), DateTime64(3, \'UTC\'), UInt64, Float64))')) AS v)
