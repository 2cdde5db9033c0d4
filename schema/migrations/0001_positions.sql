-- fleet.positions: every position ever accepted, kept for the retention period.
--
-- Sort key: (h3_cell, hour, vehicle_id, ts). An area+period query turns its
-- polygon into H3 cells and its period into hours, so the primary index skips
-- every granule outside both; within a cell-hour a vehicle's track is
-- contiguous, which is what makes the delta codecs below pay off (docs/storage.md
-- has the measurements). h3_cell is computed by ClickHouse from lat/lon with
-- geoToH3 in (lat, lon) order, pinned by the geotoh3_argument_order setting.
--
-- Exactly-once ingest relies on insert_deduplication_token plus the
-- deduplication window below (docs/ingest.md).
--
-- index_granularity = 2048, a quarter of the default: a cell-hour holds a few
-- thousand positions, so with 8192-row granules an area query read several
-- times the rows it needed (bench:query, docs/api.md); the extra marks cost
-- a fraction of a byte per thousand rows.
--
-- The TTL here is the default (30 days hot, 7 years in all); `fleetlake migrate`
-- replaces it with the configured retention.* values.
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
