-- Presence rollups: what the area query needs to know about a vehicle in one
-- res-8 H3 cell during one hour (fleet.presence_hourly) or one UTC day
-- (fleet.presence_daily), kept so that a month or a year of an area is read
-- from a few rows per vehicle and cell instead of every position.
--
-- One row per (h3_cell, bucket, vehicle_id, vehicle_type) once merged:
--   first_ts, last_ts   first and last position in the cell and bucket
--   positions           how many
--   max_speed_kmh       top speed
--   moving_*            the same over the positions with speed_kmh >= 5, the
--                       default api.moving_threshold_kmh; a bucket without one
--                       holds moving_positions = 0 and sentinels (2299 for the
--                       first, 1970 for the last) that never win a min/max.
--                       The top moving speed is max_speed_kmh whenever
--                       moving_positions > 0 (the fastest position is moving).
-- The columns are SimpleAggregateFunction, so merges fold rows of the same key
-- with min/max/sum; queries still GROUP BY, since a merge may not have run.
--
-- Fed by materialized views on every insert into fleet.positions. An insert
-- the positions table drops as a duplicate (insert_deduplication_token) does
-- not reach the views, so retried batches are not counted twice.
--
-- Same partitioning, tiering and ttl_only_drop_parts as fleet.positions; the TTL
-- counts from the bucket's END, so a bucket outlives its last position, never the
-- other way round. `fleetlake migrate` rewrites it from retention.* as it does the
-- positions TTL (schema/retention.ts). docs/storage.md has the measurements behind
-- res 8 and the two bucket sizes; queries/area-plan.ts reads them.
CREATE TABLE IF NOT EXISTS fleet.presence_hourly
(
    h3_cell          UInt64                 CODEC(ZSTD(3)),
    hour             DateTime('UTC')        CODEC(ZSTD(3)),
    vehicle_id       LowCardinality(String) CODEC(ZSTD(3)),
    vehicle_type     LowCardinality(String) CODEC(ZSTD(3)),
    first_ts         SimpleAggregateFunction(min, DateTime64(3, 'UTC')) CODEC(ZSTD(3)),
    last_ts          SimpleAggregateFunction(max, DateTime64(3, 'UTC')) CODEC(ZSTD(3)),
    positions        SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    max_speed_kmh    SimpleAggregateFunction(max, Decimal32(1)) CODEC(ZSTD(3)),
    moving_first_ts  SimpleAggregateFunction(min, DateTime64(3, 'UTC')) CODEC(ZSTD(3)),
    moving_last_ts   SimpleAggregateFunction(max, DateTime64(3, 'UTC')) CODEC(ZSTD(3)),
    moving_positions SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (h3_cell, hour, vehicle_id, vehicle_type)
TTL hour + INTERVAL 1 HOUR + INTERVAL 30 DAY TO VOLUME 'cold',
    hour + INTERVAL 1 HOUR + INTERVAL 7 YEAR DELETE
SETTINGS storage_policy = 'fleet_tiered',
         ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS fleet.presence_hourly_mv TO fleet.presence_hourly AS
SELECT
    h3_cell,
    toStartOfHour(ts) AS hour,
    vehicle_id,
    vehicle_type,
    min(ts) AS first_ts,
    max(ts) AS last_ts,
    count() AS positions,
    max(speed_kmh) AS max_speed_kmh,
    min(if(toFloat64(speed_kmh) >= 5, ts, toDateTime64('2299-12-31 23:59:59.999', 3, 'UTC'))) AS moving_first_ts,
    max(if(toFloat64(speed_kmh) >= 5, ts, toDateTime64(0, 3, 'UTC'))) AS moving_last_ts,
    countIf(toFloat64(speed_kmh) >= 5) AS moving_positions
FROM fleet.positions
GROUP BY h3_cell, hour, vehicle_id, vehicle_type;

CREATE TABLE IF NOT EXISTS fleet.presence_daily
(
    h3_cell          UInt64                 CODEC(ZSTD(3)),
    day              DateTime('UTC')        CODEC(ZSTD(3)),
    vehicle_id       LowCardinality(String) CODEC(ZSTD(3)),
    vehicle_type     LowCardinality(String) CODEC(ZSTD(3)),
    first_ts         SimpleAggregateFunction(min, DateTime64(3, 'UTC')) CODEC(ZSTD(3)),
    last_ts          SimpleAggregateFunction(max, DateTime64(3, 'UTC')) CODEC(ZSTD(3)),
    positions        SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3)),
    max_speed_kmh    SimpleAggregateFunction(max, Decimal32(1)) CODEC(ZSTD(3)),
    moving_first_ts  SimpleAggregateFunction(min, DateTime64(3, 'UTC')) CODEC(ZSTD(3)),
    moving_last_ts   SimpleAggregateFunction(max, DateTime64(3, 'UTC')) CODEC(ZSTD(3)),
    moving_positions SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(3))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (h3_cell, day, vehicle_id, vehicle_type)
TTL day + INTERVAL 1 DAY + INTERVAL 30 DAY TO VOLUME 'cold',
    day + INTERVAL 1 DAY + INTERVAL 7 YEAR DELETE
SETTINGS storage_policy = 'fleet_tiered',
         ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS fleet.presence_daily_mv TO fleet.presence_daily AS
SELECT
    h3_cell,
    toStartOfDay(ts) AS day,
    vehicle_id,
    vehicle_type,
    min(ts) AS first_ts,
    max(ts) AS last_ts,
    count() AS positions,
    max(speed_kmh) AS max_speed_kmh,
    min(if(toFloat64(speed_kmh) >= 5, ts, toDateTime64('2299-12-31 23:59:59.999', 3, 'UTC'))) AS moving_first_ts,
    max(if(toFloat64(speed_kmh) >= 5, ts, toDateTime64(0, 3, 'UTC'))) AS moving_last_ts,
    countIf(toFloat64(speed_kmh) >= 5) AS moving_positions
FROM fleet.positions
GROUP BY h3_cell, day, vehicle_id, vehicle_type;
