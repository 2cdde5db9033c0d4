-- fleet.latest_positions: the last known position of every vehicle, for live
-- maps and "where is everyone now" without scanning history. Fed by a
-- materialized view on every insert into fleet.positions; ReplacingMergeTree
-- keeps the newest row per vehicle (read it with FINAL or argMax).
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
