-- fleet.devices: the device registry of the gateway. A device id (Teltonika or
-- GT06 IMEI, Traccar Client id) maps to the vehicle its positions are filed
-- under. Every change is a new row; the newest (updated_at) wins, so
-- `fleetlake devices add|disable|import` and the gateway's own registrations
-- (gateway.unknown_devices = register) never need an UPDATE, and readers take
-- argMax(…, updated_at) per device_id.
CREATE TABLE IF NOT EXISTS fleet.devices
(
    device_id    String,
    vehicle_id   String,
    vehicle_type LowCardinality(String),
    enabled      Bool,
    -- Who made this change: cli, import, api, gateway (auto-registration).
    source       LowCardinality(String),
    updated_at   DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY device_id;
