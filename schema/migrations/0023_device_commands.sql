-- fleet.device_commands: commands to devices (POST /v1/devices/{id}/commands)
-- and what became of them, one row per change: `queued` by the API, `sent` by
-- the gateway process holding the device's connection, then `answered` (with
-- the device's answer) or `unanswered`. A command's state is its newest row
-- (argMax by updated_at); the older rows are the log. A queued command not
-- sent by expires_at is never sent (readers show it as `expired`).
--
-- The table is also the queue: every gateway process reads the queued,
-- unexpired commands (gateway/command-relay.ts) and acts only on those of
-- devices connected to it. Sorted by device, then command: the API reads
-- one command of one device, the relays the few queued ones.
CREATE TABLE IF NOT EXISTS fleet.device_commands
(
    command_id  String,
    device_id   String,
    command     String,
    status      LowCardinality(String),
    answer      String,
    -- who made the change: the API key's name, or the gateway instance
    actor       String,
    created_at  DateTime64(3, 'UTC'),
    expires_at  DateTime64(3, 'UTC'),
    updated_at  DateTime64(3, 'UTC')
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(created_at)
ORDER BY (device_id, command_id, updated_at)
TTL toDateTime(created_at) + INTERVAL 90 DAY DELETE
SETTINGS ttl_only_drop_parts = 1;
