-- A batch retried with its insert_deduplication_token (ingest restarted after
-- its insert and before its commit) is dropped by fleet.positions, but its
-- materialized views still ran: each view's block is checked for duplicates by
-- the table the view writes to, and these tables kept no deduplication log,
-- so every retry counted the batch's positions again in `positions` and
-- `moving_positions` (ingest/retried-batch-rollups.test.ts). With a log, a
-- view's block inherits the token of the insert it comes from, a retry is
-- dropped at every level of the cascade, and a new batch still counts even
-- when it folds into the same rollup rows. `fleetlake migrate
-- --rebuild-rollups` recomputes a month that retries have inflated.
ALTER TABLE fleet.presence_hourly MODIFY SETTING non_replicated_deduplication_window = 10000;

ALTER TABLE fleet.presence_daily MODIFY SETTING non_replicated_deduplication_window = 10000;
