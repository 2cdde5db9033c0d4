-- The optional device fields of the position contract (core/position-extras.ts),
-- which the gateway fills in from trackers. Positions without them (the
-- simulator, NDJSON imports) store NULL / '' / {} here, which cost next to
-- nothing: a granule of one repeated value compresses to a few bytes
-- (bench:storage reports bytes per position for both kinds of data).
--
-- Nullable so that "not reported" stays distinct from 0 or false.
-- odometer_m only grows along one vehicle's track, and a vehicle's rows are
-- contiguous within a cell-hour in the sort key, hence Delta.
ALTER TABLE fleet.positions
    ADD COLUMN IF NOT EXISTS altitude_m          Nullable(Int16)  CODEC(ZSTD(3)),
    ADD COLUMN IF NOT EXISTS satellites          Nullable(UInt8)  CODEC(ZSTD(3)),
    ADD COLUMN IF NOT EXISTS ignition            Nullable(Bool)   CODEC(ZSTD(3)),
    ADD COLUMN IF NOT EXISTS movement            Nullable(Bool)   CODEC(ZSTD(3)),
    ADD COLUMN IF NOT EXISTS odometer_m          Nullable(UInt64) CODEC(Delta, ZSTD(3)),
    ADD COLUMN IF NOT EXISTS external_voltage_mv Nullable(UInt16) CODEC(ZSTD(3)),
    ADD COLUMN IF NOT EXISTS battery_voltage_mv  Nullable(UInt16) CODEC(ZSTD(3)),
    ADD COLUMN IF NOT EXISTS gsm_signal          Nullable(UInt8)  CODEC(ZSTD(3)),
    ADD COLUMN IF NOT EXISTS device_id           LowCardinality(String) CODEC(ZSTD(3)),
    ADD COLUMN IF NOT EXISTS attributes          Map(LowCardinality(String), String) CODEC(ZSTD(3));
