-- fleet.ingest_file_progress: how far `fleetlake ingest --source file:PATH`
-- got in each file, the commit log of the file source. `stream` is
-- `file:<sha256 of the content>`, so a renamed copy is recognised and an edited
-- file is a new one; `next_offset` is the next line to read (1-based). A run
-- resumes at max(next_offset); a file read to the end is skipped entirely.
CREATE TABLE IF NOT EXISTS fleet.ingest_file_progress
(
    stream      String,
    path        String,
    next_offset UInt64,
    updated_at  DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY (stream, next_offset);
