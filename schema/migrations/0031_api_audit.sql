-- fleet.api_audit: one row per query API request on a route that needs a key
-- (every data request, refused ones included), and one per erasure: who
-- (the key), what (route, vehicle, area, period), how much (rows returned)
-- and how it ended (status, duration). Written by the API in batches
-- (queries/audit-log.ts) and by `fleetlake erase`.
--
-- Its own retention, apart from the positions': two years, since an audit
-- trail must outlive most questions about access but is itself personal
-- data. Change it with
--   ALTER TABLE fleet.api_audit MODIFY TTL toDateTime(ts) + INTERVAL 5 YEAR DELETE
CREATE TABLE IF NOT EXISTS fleet.api_audit
(
    ts            DateTime64(3, 'UTC'),
    request_id    String,
    key_id        String,
    key_name      String,
    method        LowCardinality(String),
    route         LowCardinality(String),
    status        UInt16,
    vehicle_id    String,
    area          String CODEC(ZSTD(3)),
    period_from   Nullable(DateTime64(3, 'UTC')),
    period_to     Nullable(DateTime64(3, 'UTC')),
    rows_returned UInt64,
    duration_ms   Float64,
    client        String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (ts, key_name)
TTL toDateTime(ts) + INTERVAL 2 YEAR DELETE;
