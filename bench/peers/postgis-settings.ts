/**
 * postgresql.conf of the PostGIS side of bench:peers, each setting with why.
 * Sources: the PostGIS manual's "Performance Tuning" (shared_buffers 25–40 %
 * of RAM, work_mem and maintenance_work_mem raised, parallel workers) and
 * PostgreSQL's "Populating a Database" (COPY into a table created in the same
 * transaction with wal_level = minimal writes no WAL; indexes after the load;
 * a large maintenance_work_mem and max_wal_size for the index builds). The
 * machine: 2 cores, 24 GiB, SSD. docs/performance.md prints this list.
 */
export const POSTGIS_SETTINGS: Readonly<Record<string, string>> = {
  // Page cache of PostgreSQL's own: 25 % of 24 GiB, the low end of PostGIS's advice (the machine is shared).
  shared_buffers: '6GB',
  // What the planner may assume the OS caches on top (RAM minus what others use).
  effective_cache_size: '16GB',
  // Sorts and hashes of one query (GROUP BY vehicle, DISTINCT ON) stay in memory; one client runs at a time.
  work_mem: '256MB',
  // Index builds: a GiST sorted build and the B-tree sort of 30 M+ rows fit in memory.
  maintenance_work_mem: '4GB',
  // Two cores: a query may use both (the leader plus one worker per core beyond it, capped at the cores).
  max_worker_processes: '4',
  max_parallel_workers: '2',
  max_parallel_workers_per_gather: '2',
  max_parallel_maintenance_workers: '2',
  // SSD: random reads cost little more than sequential ones; and prefetching for bitmap heap scans.
  random_page_cost: '1.1',
  effective_io_concurrency: '200',
  // Bulk load: no WAL for the COPY into a table made in its transaction; no checkpoints in the middle of it.
  wal_level: 'minimal',
  max_wal_senders: '0',
  max_wal_size: '16GB',
  checkpoint_timeout: '30min',
  // The run VACUUMs and ANALYZEs itself after the load, timed; autovacuum would do the same work at a random time.
  autovacuum: 'off',
  // JIT compiles a query's expressions when its estimated cost is high; the work here is in PostGIS's C
  // functions, which JIT does not compile, and PostgreSQL's docs note its overhead outweighs it on short queries.
  jit: 'off',
};
