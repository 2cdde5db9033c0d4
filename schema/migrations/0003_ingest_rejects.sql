-- fleet.ingest_rejects: every message ingest refused, one row each, with the
-- raw payload and why, so nothing accepted by the broker is silently dropped.
-- `source` is kafka, file or inprocess; for kafka, topic/partition/offset say
-- where the message sits; for file, topic is the file path and offset the line.
-- Rows are also sent to the dead-letter topic fleet.positions.dlq (kafka source).
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
