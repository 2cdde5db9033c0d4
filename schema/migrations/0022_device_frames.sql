-- fleet.device_frames: every frame the gateway received, as received, with
-- what the decoder made of it. A decoder bug must never lose data: after a
-- fix, `fleetlake gateway replay` decodes these bytes again.
--
-- outcome is `ok`, `no_fix`, `duplicate`, `unknown_device`, or a reject
-- reason of gateway/frame-outcome.ts (truncated, bad_crc, oversized, garbage,
-- unknown_codec, malformed, not_logged_in). Sorted by device and time: replay
-- and support questions ask "this device, this period".
--
-- The TTL here is the default of gateway.raw_retention (90 days).
CREATE TABLE IF NOT EXISTS fleet.device_frames
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
ENGINE = MergeTree
PARTITION BY toYYYYMM(received_at)
ORDER BY (device_id, received_at)
TTL toDateTime(received_at) + INTERVAL 90 DAY DELETE
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1;
