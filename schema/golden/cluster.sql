-- fleetlake schema for cluster fleetlake, as `fleetlake migrate` applies it
CREATE DATABASE IF NOT EXISTS fleet ON CLUSTER fleetlake;

CREATE TABLE IF NOT EXISTS fleet.schema_migrations ON CLUSTER fleetlake
            (name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
            ENGINE = ReplicatedMergeTree('/clickhouse/tables/all/fleet/schema_migrations', '{replica}') ORDER BY name;

-- 0001_positions.sql
CREATE TABLE IF NOT EXISTS fleet.positions_local ON CLUSTER fleetlake
(
    vehicle_id   LowCardinality(String) CODEC(ZSTD(3)),
    ts           DateTime64(3, 'UTC')   CODEC(DoubleDelta, ZSTD(3)),
    lat          Decimal32(6)           CODEC(Delta, ZSTD(3)),
    lon          Decimal32(6)           CODEC(Delta, ZSTD(3)),
    speed_kmh    Decimal32(1)           CODEC(Delta, ZSTD(3)),
    heading_deg  UInt16                 CODEC(Delta, ZSTD(3)),
    vehicle_type LowCardinality(String) CODEC(ZSTD(3)),
    h3_cell      UInt64 MATERIALIZED geoToH3(toFloat64(lat), toFloat64(lon), 8) CODEC(ZSTD(3))
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/fleet/positions_local', '{replica}')
PARTITION BY toYYYYMM(ts)
ORDER BY (h3_cell, toStartOfHour(ts), vehicle_id, ts)
TTL toDateTime(ts) + INTERVAL 30 DAY TO VOLUME 'cold',
    toDateTime(ts) + INTERVAL 7 YEAR DELETE
SETTINGS storage_policy = 'fleet_tiered',
         index_granularity = 2048,
         replicated_deduplication_window = 10000,
         ttl_only_drop_parts = 1;

CREATE TABLE IF NOT EXISTS fleet.positions ON CLUSTER fleetlake AS fleet.positions_local
ENGINE = Distributed(fleetlake, fleet, positions_local, cityHash64(vehicle_id));

-- 0002_latest_positions.sql
CREATE TABLE IF NOT EXISTS fleet.latest_positions_local ON CLUSTER fleetlake
(
    vehicle_id   String,
    ts           DateTime64(3, 'UTC'),
    lat          Decimal32(6),
    lon          Decimal32(6),
    speed_kmh    Decimal32(1),
    heading_deg  UInt16,
    vehicle_type LowCardinality(String)
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/fleet/latest_positions_local', '{replica}', ts)
ORDER BY vehicle_id;

CREATE TABLE IF NOT EXISTS fleet.latest_positions ON CLUSTER fleetlake AS fleet.latest_positions_local
ENGINE = Distributed(fleetlake, fleet, latest_positions_local, cityHash64(vehicle_id));

CREATE MATERIALIZED VIEW IF NOT EXISTS fleet.latest_positions_mv ON CLUSTER fleetlake TO fleet.latest_positions_local AS
SELECT
    vehicle_id,
    max(ts) AS ts,
    argMax(lat, positions_local.ts) AS lat,
    argMax(lon, positions_local.ts) AS lon,
    argMax(speed_kmh, positions_local.ts) AS speed_kmh,
    argMax(heading_deg, positions_local.ts) AS heading_deg,
    argMax(vehicle_type, positions_local.ts) AS vehicle_type
FROM fleet.positions_local
GROUP BY vehicle_id;

-- 0003_ingest_rejects.sql
CREATE TABLE IF NOT EXISTS fleet.ingest_rejects_local ON CLUSTER fleetlake
(
    received_at DateTime64(3, 'UTC') DEFAULT now64(3),
    source      LowCardinality(String),
    topic       LowCardinality(String),
    partition   Int32,
    offset      Int64,
    reason      LowCardinality(String),
    detail      String,
    payload     String CODEC(ZSTD(3))
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/fleet/ingest_rejects_local', '{replica}')
PARTITION BY toYYYYMM(received_at)
ORDER BY (topic, partition, offset)
TTL toDateTime(received_at) + INTERVAL 90 DAY DELETE
SETTINGS replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS fleet.ingest_rejects ON CLUSTER fleetlake AS fleet.ingest_rejects_local
ENGINE = Distributed(fleetlake, fleet, ingest_rejects_local, cityHash64(topic, partition));

-- 0004_ingest_metrics.sql
CREATE TABLE IF NOT EXISTS fleet.ingest_metrics_local ON CLUSTER fleetlake
(
    ts       DateTime64(3, 'UTC'),
    instance LowCardinality(String),
    metric   LowCardinality(String),
    labels   Map(LowCardinality(String), String),
    value    Float64
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/fleet/ingest_metrics_local', '{replica}')
PARTITION BY toYYYYMM(ts)
ORDER BY (metric, instance, ts)
TTL toDateTime(ts) + INTERVAL 90 DAY DELETE;

CREATE TABLE IF NOT EXISTS fleet.ingest_metrics ON CLUSTER fleetlake AS fleet.ingest_metrics_local
ENGINE = Distributed(fleetlake, fleet, ingest_metrics_local, cityHash64(instance));

-- 0005_ingest_journal.sql
CREATE TABLE IF NOT EXISTS fleet.ingest_journal ON CLUSTER fleetlake
(
    stream       String,
    first_offset UInt64,
    last_offset  UInt64,
    ref_ms       Int64,
    claimant     LowCardinality(String),
    claim_id     String,
    claimed_at   DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/all/fleet/ingest_journal', '{replica}')
ORDER BY (stream, first_offset)
TTL toDateTime(claimed_at) + INTERVAL 30 DAY DELETE
SETTINGS enable_block_number_column = 1;

-- 0006_ingest_file_progress.sql
CREATE TABLE IF NOT EXISTS fleet.ingest_file_progress ON CLUSTER fleetlake
(
    stream      String,
    path        String,
    next_offset UInt64,
    updated_at  DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/all/fleet/ingest_file_progress', '{replica}')
ORDER BY (stream, next_offset);

-- 0010_districts.sql
CREATE TABLE IF NOT EXISTS fleet.districts ON CLUSTER fleetlake
(
    id        String,
    name      String,
    polygons  MultiPolygon,
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/all/fleet/districts', '{replica}')
ORDER BY id;

-- 0011_positions_vehicle_index.sql
ALTER TABLE fleet.positions_local ON CLUSTER fleetlake ADD INDEX IF NOT EXISTS vehicle_id_bloom vehicle_id TYPE bloom_filter(0.01) GRANULARITY 1;

-- 0020_position_device_fields.sql
ALTER TABLE fleet.positions_local ON CLUSTER fleetlake
    ADD COLUMN IF NOT EXISTS altitude_m          Nullable(Int16)  CODEC(ZSTD(3)),
    ADD COLUMN IF NOT EXISTS satellites          Nullable(UInt8)  CODEC(ZSTD(3)),
    ADD COLUMN IF NOT EXISTS ignition            Nullable(Bool)   CODEC(ZSTD(3)),
    ADD COLUMN IF NOT EXISTS movement            Nullable(Bool)   CODEC(ZSTD(3)),
    ADD COLUMN IF NOT EXISTS odometer_m          Nullable(UInt64) CODEC(Delta, ZSTD(3)),
    ADD COLUMN IF NOT EXISTS external_voltage_mv Nullable(UInt16) CODEC(ZSTD(3)),
    ADD COLUMN IF NOT EXISTS battery_voltage_mv  Nullable(UInt16) CODEC(ZSTD(3)),
    ADD COLUMN IF NOT EXISTS gsm_signal          Nullable(UInt8)  CODEC(ZSTD(3)),
    ADD COLUMN IF NOT EXISTS device_id           LowCardinality(String) CODEC(ZSTD(3)),
    ADD COLUMN IF NOT EXISTS attributes          Map(LowCardinality(String), String) CODEC(ZSTD(3));

ALTER TABLE fleet.positions ON CLUSTER fleetlake
    ADD COLUMN IF NOT EXISTS altitude_m          Nullable(Int16)  CODEC(ZSTD(3)),
    ADD COLUMN IF NOT EXISTS satellites          Nullable(UInt8)  CODEC(ZSTD(3)),
    ADD COLUMN IF NOT EXISTS ignition            Nullable(Bool)   CODEC(ZSTD(3)),
    ADD COLUMN IF NOT EXISTS movement            Nullable(Bool)   CODEC(ZSTD(3)),
    ADD COLUMN IF NOT EXISTS odometer_m          Nullable(UInt64) CODEC(Delta, ZSTD(3)),
    ADD COLUMN IF NOT EXISTS external_voltage_mv Nullable(UInt16) CODEC(ZSTD(3)),
    ADD COLUMN IF NOT EXISTS battery_voltage_mv  Nullable(UInt16) CODEC(ZSTD(3)),
    ADD COLUMN IF NOT EXISTS gsm_signal          Nullable(UInt8)  CODEC(ZSTD(3)),
    ADD COLUMN IF NOT EXISTS device_id           LowCardinality(String) CODEC(ZSTD(3)),
    ADD COLUMN IF NOT EXISTS attributes          Map(LowCardinality(String), String) CODEC(ZSTD(3));

-- 0021_devices.sql
CREATE TABLE IF NOT EXISTS fleet.devices ON CLUSTER fleetlake
(
    device_id    String,
    vehicle_id   String,
    vehicle_type LowCardinality(String),
    enabled      Bool,
    
    source       LowCardinality(String),
    updated_at   DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/fleet/devices', '{replica}', updated_at)
ORDER BY device_id;

-- 0022_device_frames.sql
CREATE TABLE IF NOT EXISTS fleet.device_frames_local ON CLUSTER fleetlake
(
    received_at  DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(3)),
    device_id    String               CODEC(ZSTD(3)),
    protocol     LowCardinality(String),
    remote       String               CODEC(ZSTD(3)),
    outcome      LowCardinality(String),
    detail       String               CODEC(ZSTD(3)),
    positions    UInt16,
    frame        String               CODEC(ZSTD(3))
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/fleet/device_frames_local', '{replica}')
PARTITION BY toYYYYMM(received_at)
ORDER BY (device_id, received_at)
TTL toDateTime(received_at) + INTERVAL 90 DAY DELETE
SETTINGS replicated_deduplication_window = 10000, ttl_only_drop_parts = 1;

CREATE TABLE IF NOT EXISTS fleet.device_frames ON CLUSTER fleetlake AS fleet.device_frames_local
ENGINE = Distributed(fleetlake, fleet, device_frames_local, cityHash64(device_id));

-- 0023_device_commands.sql
CREATE TABLE IF NOT EXISTS fleet.device_commands ON CLUSTER fleetlake
(
    command_id  String,
    device_id   String,
    command     String,
    status      LowCardinality(String),
    answer      String,
    
    actor       String,
    created_at  DateTime64(3, 'UTC'),
    expires_at  DateTime64(3, 'UTC'),
    updated_at  DateTime64(3, 'UTC')
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/all/fleet/device_commands', '{replica}')
PARTITION BY toYYYYMM(created_at)
ORDER BY (device_id, command_id, updated_at)
TTL toDateTime(created_at) + INTERVAL 90 DAY DELETE
SETTINGS ttl_only_drop_parts = 1;

-- 0030_api_keys.sql
CREATE TABLE IF NOT EXISTS fleet.api_keys ON CLUSTER fleetlake
(
    id            String,
    name          String,
    salt          String,
    hash          String,
    scopes        Array(LowCardinality(String)),
    vehicle_group String DEFAULT '',
    area          String DEFAULT '',
    created_at    DateTime64(3, 'UTC'),
    expires_at    Nullable(DateTime64(3, 'UTC')),
    revoked_at    Nullable(DateTime64(3, 'UTC')),
    version       UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/fleet/api_keys', '{replica}', version)
ORDER BY id;

CREATE TABLE IF NOT EXISTS fleet.vehicle_groups ON CLUSTER fleetlake
(
    group_name String,
    vehicle_id String
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/fleet/vehicle_groups', '{replica}')
ORDER BY (group_name, vehicle_id);

-- 0031_api_audit.sql
CREATE TABLE IF NOT EXISTS fleet.api_audit_local ON CLUSTER fleetlake
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
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/fleet/api_audit_local', '{replica}')
PARTITION BY toYYYYMM(ts)
ORDER BY (ts, key_name)
TTL toDateTime(ts) + INTERVAL 2 YEAR DELETE;

CREATE TABLE IF NOT EXISTS fleet.api_audit ON CLUSTER fleetlake AS fleet.api_audit_local
ENGINE = Distributed(fleetlake, fleet, api_audit_local, cityHash64(key_name));

-- 0060_presence_rollups.sql
CREATE TABLE IF NOT EXISTS fleet.presence_hourly_local ON CLUSTER fleetlake
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
ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/fleet/presence_hourly_local', '{replica}')
PARTITION BY toYYYYMM(hour)
ORDER BY (h3_cell, hour, vehicle_id, vehicle_type)
TTL hour + INTERVAL 1 HOUR + INTERVAL 30 DAY TO VOLUME 'cold',
    hour + INTERVAL 1 HOUR + INTERVAL 7 YEAR DELETE
SETTINGS storage_policy = 'fleet_tiered',
         ttl_only_drop_parts = 1;

CREATE TABLE IF NOT EXISTS fleet.presence_hourly ON CLUSTER fleetlake AS fleet.presence_hourly_local
ENGINE = Distributed(fleetlake, fleet, presence_hourly_local, cityHash64(vehicle_id));

CREATE MATERIALIZED VIEW IF NOT EXISTS fleet.presence_hourly_mv ON CLUSTER fleetlake TO fleet.presence_hourly_local AS
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
FROM fleet.positions_local
GROUP BY h3_cell, hour, vehicle_id, vehicle_type;

CREATE TABLE IF NOT EXISTS fleet.presence_daily_local ON CLUSTER fleetlake
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
ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/fleet/presence_daily_local', '{replica}')
PARTITION BY toYYYYMM(day)
ORDER BY (h3_cell, day, vehicle_id, vehicle_type)
TTL day + INTERVAL 1 DAY + INTERVAL 30 DAY TO VOLUME 'cold',
    day + INTERVAL 1 DAY + INTERVAL 7 YEAR DELETE
SETTINGS storage_policy = 'fleet_tiered',
         ttl_only_drop_parts = 1;

CREATE TABLE IF NOT EXISTS fleet.presence_daily ON CLUSTER fleetlake AS fleet.presence_daily_local
ENGINE = Distributed(fleetlake, fleet, presence_daily_local, cityHash64(vehicle_id));

CREATE MATERIALIZED VIEW IF NOT EXISTS fleet.presence_daily_mv ON CLUSTER fleetlake TO fleet.presence_daily_local AS
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
FROM fleet.positions_local
GROUP BY h3_cell, day, vehicle_id, vehicle_type;

-- 0061_presence_daily_from_hourly.sql
DROP VIEW IF EXISTS fleet.presence_daily_mv ON CLUSTER fleetlake;

CREATE MATERIALIZED VIEW IF NOT EXISTS fleet.presence_daily_from_hourly_mv ON CLUSTER fleetlake TO fleet.presence_daily_local AS
SELECT
    h3_cell,
    toStartOfDay(hour) AS day,
    vehicle_id,
    vehicle_type,
    min(first_ts) AS first_ts,
    max(last_ts) AS last_ts,
    sum(positions) AS positions,
    max(max_speed_kmh) AS max_speed_kmh,
    min(moving_first_ts) AS moving_first_ts,
    max(moving_last_ts) AS moving_last_ts,
    sum(moving_positions) AS moving_positions
FROM fleet.presence_hourly_local
GROUP BY h3_cell, day, vehicle_id, vehicle_type;

-- 0062_presence_rollups_deduplicate.sql
ALTER TABLE fleet.presence_hourly_local ON CLUSTER fleetlake MODIFY SETTING replicated_deduplication_window = 10000;

ALTER TABLE fleet.presence_daily_local ON CLUSTER fleetlake MODIFY SETTING replicated_deduplication_window = 10000;

-- retention (retention.hot 30d, retention.delete_after 7y (fleet.positions)); migrate runs it when the TTL differs
ALTER TABLE fleet.positions_local ON CLUSTER fleetlake MODIFY TTL toDateTime(ts) + INTERVAL 30 DAY TO VOLUME 'cold', toDateTime(ts) + INTERVAL 7 YEAR DELETE;

-- retention (retention.hot 30d, retention.delete_after 7y (fleet.presence_hourly)); migrate runs it when the TTL differs
ALTER TABLE fleet.presence_hourly_local ON CLUSTER fleetlake MODIFY TTL hour + INTERVAL 1 HOUR + INTERVAL 30 DAY TO VOLUME 'cold', hour + INTERVAL 1 HOUR + INTERVAL 7 YEAR DELETE;

-- retention (retention.hot 30d, retention.delete_after 7y (fleet.presence_daily)); migrate runs it when the TTL differs
ALTER TABLE fleet.presence_daily_local ON CLUSTER fleetlake MODIFY TTL day + INTERVAL 1 DAY + INTERVAL 30 DAY TO VOLUME 'cold', day + INTERVAL 1 DAY + INTERVAL 7 YEAR DELETE;

-- retention (gateway.raw_retention 90d); migrate runs it when the TTL differs
ALTER TABLE fleet.device_frames_local ON CLUSTER fleetlake MODIFY TTL toDateTime(received_at) + INTERVAL 90 DAY DELETE;
