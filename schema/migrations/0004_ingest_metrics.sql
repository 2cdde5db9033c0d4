-- fleet.ingest_metrics: what every ingest process reports every few seconds,
-- for Grafana and alerting without a Prometheus server. One row per series
-- per report, in the shape of a Prometheus sample: `metric` is one of
-- INGEST_METRIC_SERIES in core/names.ts (each with its meaning there), `labels`
-- its labels (reason, topic, partition), `instance` the reporting process.
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
