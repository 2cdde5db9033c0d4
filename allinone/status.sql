-- What the lake is doing right now: the figures on the all-in-one's status page.
-- Runs as-is in clickhouse-client / `fleetlake sql --file allinone/status.sql`.
SELECT
    (SELECT sum(rows) FROM system.parts WHERE database = 'fleet' AND table = 'positions' AND active) AS rows_stored,
    (SELECT uniqExact(vehicle_id) FROM fleet.latest_positions) AS vehicles,
    (SELECT if(count() = 0, NULL, max(ts)) FROM fleet.latest_positions) AS newest_event,
    (
        SELECT sum(latest)
        FROM
        (
            SELECT argMax(value, ts) AS latest
            FROM fleet.ingest_metrics
            WHERE metric = 'rows_per_second' AND ts > now64(3) - INTERVAL 30 SECOND
            GROUP BY instance
        )
    ) AS positions_per_second
