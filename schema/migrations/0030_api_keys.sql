-- fleet.api_keys: the query API's keys (`fleetlake keys create|list|revoke`).
--
-- A key is `flk_<id>_<secret>`; only the id and a salted scrypt hash of the
-- secret are stored, so this table cannot be used to call the API. A change
-- (revocation) is a new row with a higher version; read with FINAL.
--
-- scopes: read, live, devices, admin (queries/auth/scopes.ts).
-- vehicle_group: '' or a group of fleet.vehicle_groups; the key then sees only
--   that group's vehicles. area: '' or a MultiPolygon as JSON ([lon, lat]
--   positions); the key then sees only positions inside it. Both are applied
--   inside every query's SQL (docs/security.md).
CREATE TABLE IF NOT EXISTS fleet.api_keys
(
    id            String,
    name          String,
    salt          String,
    hash          String,
    scopes        Array(LowCardinality(String)),
    vehicle_group String DEFAULT '',
    area          String DEFAULT '',
    created_at    DateTime64(3, 'UTC'),
    expires_at    Nullable(DateTime64(3, 'UTC')),
    revoked_at    Nullable(DateTime64(3, 'UTC')),
    version       UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;

-- fleet.vehicle_groups: which vehicles belong to which group, for keys
-- restricted to a group (`fleetlake keys group`). A vehicle may be in several.
CREATE TABLE IF NOT EXISTS fleet.vehicle_groups
(
    group_name String,
    vehicle_id String
)
ENGINE = ReplacingMergeTree
ORDER BY (group_name, vehicle_id);
