-- fleet.ingest_journal: the offset range of every batch ingest cuts, recorded
-- BEFORE the batch is inserted into fleet.positions. After a crash, a retry or
-- a rebalance, whoever processes the same offsets again finds the range here
-- and cuts exactly the same batch, so its insert_deduplication_token
-- (`stream:first-last`) matches and ClickHouse drops the repeat.
--
-- `stream` is `topic:partition` for Kafka and `file:<sha256>` for a file.
-- Several rows may propose ranges for one first_offset (a process that lost a
-- race); the oldest one, lowest _block_number, owns it: block numbers are
-- allocated at commit, which is why the column is kept (enable_block_number_column).
-- `ref_ms` is the clock the batch was validated with, so past/future bounds
-- give the same verdict on replay. docs/ingest.md walks through the crash points.
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
