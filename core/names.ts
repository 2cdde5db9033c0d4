/**
 * The fixed names every stage, script and dashboard agrees on. Anything that
 * names a database object or a topic imports it from here.
 */
export const DATABASE = 'fleet';

export const TABLES = {
  positions: `${DATABASE}.positions`,
  latestPositions: `${DATABASE}.latest_positions`,
  presenceHourly: `${DATABASE}.presence_hourly`,
  presenceDaily: `${DATABASE}.presence_daily`,
  ingestRejects: `${DATABASE}.ingest_rejects`,
  ingestMetrics: `${DATABASE}.ingest_metrics`,
  ingestJournal: `${DATABASE}.ingest_journal`,
  ingestFileProgress: `${DATABASE}.ingest_file_progress`,
  districts: `${DATABASE}.districts`,
  devices: `${DATABASE}.devices`,
  deviceFrames: `${DATABASE}.device_frames`,
  deviceCommands: `${DATABASE}.device_commands`,
  apiKeys: `${DATABASE}.api_keys`,
  vehicleGroups: `${DATABASE}.vehicle_groups`,
  apiAudit: `${DATABASE}.api_audit`,
  migrations: `${DATABASE}.schema_migrations`,
} as const;

export const TOPICS = {
  positions: 'fleet.positions',
  deadLetters: 'fleet.positions.dlq',
  deviceFrames: 'fleet.device_frames',
} as const;

/** The H3 resolution of `fleet.positions.h3_cell`; see docs/storage.md for the measurement behind it. */
export const H3_RESOLUTION = 8;

/** Storage policy and volume names, shared by the DDL and both storage configurations. */
export const STORAGE = {
  policy: 'fleet_tiered',
  hotVolume: 'hot',
  coldVolume: 'cold',
} as const;
