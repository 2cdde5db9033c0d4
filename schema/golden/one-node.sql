-- fleetlake schema for one node, as `fleetlake migrate` applies it
CREATE DATABASE IF NOT EXISTS fleet;

CREATE TABLE IF NOT EXISTS fleet.schema_migrations
            (name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
            ENGINE = MergeTree ORDER BY name;

-- 0001_positions.sql
CREATE TABLE IF NOT EXISTS fleet.positions
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
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (h3_cell, toStartOfHour(ts), vehicle_id, ts)
TTL toDateTime(ts) + INTERVAL 30 DAY TO VOLUME 'cold',
    toDateTime(ts) + INTERVAL 7 YEAR DELETE
SETTINGS storage_policy = 'fleet_tiered',
         index_granularity = 2048,
         non_replicated_deduplication_window = 10000,
         ttl_only_drop_parts = 1;

-- 0002_latest_positions.sql
CREATE TABLE IF NOT EXISTS fleet.latest_positions
(
    vehicle_id   String,
    ts           DateTime64(3, 'UTC'),
    lat          Decimal32(6),
    lon          Decimal32(6),
    speed_kmh    Decimal32(1),
    heading_deg  UInt16,
    vehicle_type LowCardinality(String)
)
ENGINE = ReplacingMergeTree(ts)
ORDER BY vehicle_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS fleet.latest_positions_mv TO fleet.latest_positions AS
SELECT
    vehicle_id,
    max(ts) AS ts,
    argMax(lat, positions.ts) AS lat,
    argMax(lon, positions.ts) AS lon,
    argMax(speed_kmh, positions.ts) AS speed_kmh,
    argMax(heading_deg, positions.ts) AS heading_deg,
    argMax(vehicle_type, positions.ts) AS vehicle_type
FROM fleet.positions
GROUP BY vehicle_id;

-- 0003_ingest_rejects.sql
CREATE TABLE IF NOT EXISTS fleet.ingest_rejects
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
ENGINE = MergeTree
PARTITION BY toYYYYMM(received_at)
ORDER BY (topic, partition, offset)
TTL toDateTime(received_at) + INTERVAL 90 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000;

-- 0004_ingest_metrics.sql
CREATE TABLE IF NOT EXISTS fleet.ingest_metrics
(
    ts       DateTime64(3, 'UTC'),
    instance LowCardinality(String),
    metric   LowCardinality(String),
    labels   Map(LowCardinality(String), String),
    value    Float64
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (metric, instance, ts)
TTL toDateTime(ts) + INTERVAL 90 DAY DELETE;

-- 0005_ingest_journal.sql
CREATE TABLE IF NOT EXISTS fleet.ingest_journal
(
    stream       String,
    first_offset UInt64,
    last_offset  UInt64,
    ref_ms       Int64,
    claimant     LowCardinality(String),
    claim_id     String,
    claimed_at   DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (stream, first_offset)
TTL toDateTime(claimed_at) + INTERVAL 30 DAY DELETE
SETTINGS enable_block_number_column = 1;

-- 0006_ingest_file_progress.sql
CREATE TABLE IF NOT EXISTS fleet.ingest_file_progress
(
    stream      String,
    path        String,
    next_offset UInt64,
    updated_at  DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (stream, next_offset);

-- 0010_districts.sql
CREATE TABLE IF NOT EXISTS fleet.districts
(
    id        String,
    name      String,
    polygons  MultiPolygon,
    loaded_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY id;

-- 0011_positions_vehicle_index.sql
ALTER TABLE fleet.positions ADD INDEX IF NOT EXISTS vehicle_id_bloom vehicle_id TYPE bloom_filter(0.01) GRANULARITY 1;

-- retention (retention.hot 30d, retention.delete_after 7y); migrate runs it when the TTL differs
ALTER TABLE fleet.positions MODIFY TTL toDateTime(ts) + INTERVAL 30 DAY TO VOLUME 'cold', toDateTime(ts) + INTERVAL 7 YEAR DELETE;
