import { bool, brokerList, duration, identifier, int, num, oneOf, optionalUrl, str, type FieldSpec } from './config-field.ts';
import { FLEET_DEFAULTS, FLEET_LIMITS } from './fleet-limits.ts';
import { KAFKA_COMPRESSIONS } from './kafka-codecs.ts';
import { TOPICS } from './names.ts';

export type { FieldSpec } from './config-field.ts';

/**
 * Every configuration key fleetlake accepts, in one place: its default, the
 * environment variable that overrides it, its schema (core/config-field.ts:
 * the check and the type) and what is allowed. `fleetlake.yaml` mirrors this
 * shape (sections and snake_case keys).
 */
export const CONFIG_SPEC = {
  clickhouse: {
    url: optionalUrl('ClickHouse server HTTP URL; unset runs the embedded engine (chDB)', 'CLICKHOUSE_URL'),
    user: str('ClickHouse user (server mode)', 'default', 'CLICKHOUSE_USER'),
    password: str('ClickHouse password (server mode)', '', 'CLICKHOUSE_PASSWORD'),
    data_dir: str('data directory of the embedded engine', './data', 'FLEETLAKE_DATA_DIR'),
    request_timeout: duration('how long one ClickHouse request may take', '300s', 'CLICKHOUSE_REQUEST_TIMEOUT'),
    cluster: identifier(
      'ClickHouse cluster (a remote_servers name) to create the schema on: Replicated tables per shard behind Distributed ones, DDL ON CLUSTER (docs/cluster.md); empty = one node',
      'FLEETLAKE_CLICKHOUSE_CLUSTER',
    ),
  },
  kafka: {
    brokers: brokerList('Kafka/Redpanda bootstrap brokers; empty means no broker', 'KAFKA_BROKERS'),
    client_id: str('Kafka client id', 'fleetlake', 'KAFKA_CLIENT_ID'),
    topic: str('topic carrying positions', TOPICS.positions, 'FLEETLAKE_TOPIC'),
    dlq_topic: str('dead-letter topic for rejected positions', TOPICS.deadLetters, 'FLEETLAKE_DLQ_TOPIC'),
    partitions: int('partitions fleetlake creates the topic with when it is missing', 6, 1, 10_000, 'FLEETLAKE_TOPIC_PARTITIONS'),
  },
  retention: {
    hot: duration('how long positions stay on the hot volume before moving to cold', '30d', 'FLEETLAKE_RETENTION_HOT'),
    delete_after: duration('how long positions are kept at all', '7y', 'FLEETLAKE_RETENTION_DELETE_AFTER'),
  },
  storage: {
    cold_s3_endpoint: optionalUrl(
      'S3-compatible endpoint of the cold volume in embedded mode (a server reads its own config: docs/storage.md); empty keeps cold on local disk',
      'FLEETLAKE_COLD_S3_ENDPOINT',
      'local disk',
    ),
    cold_s3_bucket: str('bucket of the cold volume (with cold_s3_endpoint)', '', 'FLEETLAKE_COLD_S3_BUCKET'),
    cold_s3_prefix: str('key prefix of the cold volume in its bucket; one lake per prefix', 'fleetlake/cold/', 'FLEETLAKE_COLD_S3_PREFIX'),
    cold_s3_access_key_id: str('access key id for the cold volume\'s bucket', '', 'FLEETLAKE_COLD_S3_ACCESS_KEY_ID'),
    cold_s3_secret_access_key: str('secret access key for the cold volume\'s bucket', '', 'FLEETLAKE_COLD_S3_SECRET_ACCESS_KEY'),
    cold_s3_region: str('region of the cold volume\'s bucket', 'us-east-1', 'FLEETLAKE_COLD_S3_REGION'),
  },
  ingest: {
    group_id: str('Kafka consumer group of the ingest processes; processes in one group share the partitions', 'fleetlake-ingest', 'FLEETLAKE_INGEST_GROUP'),
    batch_rows: int('messages that close a batch (one ClickHouse insert per batch)', 50_000, 1, 10_000_000, 'FLEETLAKE_INGEST_BATCH_ROWS'),
    batch_bytes: int('message bytes that close a batch', 16 * 1024 * 1024, 1024, 1024 * 1024 * 1024, 'FLEETLAKE_INGEST_BATCH_BYTES'),
    batch_max_wait: duration('longest the first message of a batch waits for the batch to close', '750ms', 'FLEETLAKE_INGEST_BATCH_MAX_WAIT'),
    max_in_flight: int('ClickHouse inserts running at once; beyond it partitions fill up and fetching pauses', 2, 1, 64, 'FLEETLAKE_INGEST_MAX_IN_FLIGHT'),
    max_past: duration('oldest accepted event time, counted back from now', '7y', 'FLEETLAKE_INGEST_MAX_PAST'),
    max_future: duration('newest accepted event time, counted forward from now', '5m', 'FLEETLAKE_INGEST_MAX_FUTURE'),
    retry_initial: duration('first delay before retrying a failed ClickHouse or broker write', '250ms', 'FLEETLAKE_INGEST_RETRY_INITIAL'),
    retry_max: duration('cap of the doubling retry delay', '30s', 'FLEETLAKE_INGEST_RETRY_MAX'),
    metrics_port: int('port of the Prometheus /metrics endpoint; 0 turns it off', 9464, 0, 65535, 'FLEETLAKE_INGEST_METRICS_PORT'),
    report_interval: duration('how often ingest writes its figures into fleet.ingest_metrics', '5s', 'FLEETLAKE_INGEST_REPORT_INTERVAL'),
    instance: str('name of this process in fleet.ingest_metrics; empty means host:pid', '', 'FLEETLAKE_INGEST_INSTANCE'),
    shutdown_timeout: duration('how long a stop waits for batches in flight before leaving them to the next run', '30s', 'FLEETLAKE_INGEST_SHUTDOWN_TIMEOUT'),
    session_timeout: duration('how long the broker waits for a silent ingest process before giving its partitions to another', '30s', 'FLEETLAKE_INGEST_SESSION_TIMEOUT'),
  },
  estimator: {
    calibration: str('calibration file `fleetlake estimate` reads and `estimate calibrate` writes; empty = the shipped estimator/calibration.json', '', 'FLEETLAKE_CALIBRATION'),
  },
  api: {
    host: str('address the query API listens on', '127.0.0.1', 'FLEETLAKE_API_HOST'),
    port: int('port the query API listens on; 0 picks a free one', 3000, 0, 65535, 'FLEETLAKE_API_PORT'),
    moving_threshold_kmh: num('a position is "moving" when speed_kmh is at or above this (area queries with moving_only)', 5, 0, 400, 'FLEETLAKE_API_MOVING_THRESHOLD_KMH'),
    max_period: duration('longest from..to period an area, track or heatmap request may span; the default is the default retention (retention.delete_after): the time budget, not the period, bounds a query', '7y', 'FLEETLAKE_API_MAX_PERIOD'),
    default_limit: int('rows (vehicles, cells) a request returns when it gives no limit', 1000, 1, 1_000_000, 'FLEETLAKE_API_DEFAULT_LIMIT'),
    max_limit: int('highest limit a request may ask for', 10_000, 1, 1_000_000, 'FLEETLAKE_API_MAX_LIMIT'),
    max_vertices: int('most vertices an area (all rings together) may have', 10_000, 4, 1_000_000, 'FLEETLAKE_API_MAX_VERTICES'),
    max_index_cells: int('most res-8 H3 cells an area may cover and still use the index; larger areas are scanned by period with point-in-polygon', 200_000, 1, 10_000_000, 'FLEETLAKE_API_MAX_INDEX_CELLS'),
    query_timeout: duration('time budget of one API query in ClickHouse; past it ClickHouse cancels the query and the API answers 504', '10s', 'FLEETLAKE_API_QUERY_TIMEOUT'),
    use_rollups: bool('area queries read whole hours and days of interior cells from the presence rollups (same answer, far fewer rows); false reads raw positions only', true, 'FLEETLAKE_API_USE_ROLLUPS'),
    read_rows_per_second: int(
      'positions an area query reads per second on this deployment (bench:query measures it); with rollup_rows_per_second, what a query is estimated to take before it runs: past api.query_timeout it is refused with 422',
      17_000_000, 1, 1e12, 'FLEETLAKE_API_READ_ROWS_PER_SECOND',
    ),
    rollup_rows_per_second: int('presence-rollup rows an area query reads per second on this deployment (bench:query measures it)', 10_000_000, 1, 1e12, 'FLEETLAKE_API_ROLLUP_ROWS_PER_SECOND'),
    district_lookback: duration('a vehicle counts in a district at instant ts when its last position at most this long before ts is inside', '5m', 'FLEETLAKE_API_DISTRICT_LOOKBACK'),
    max_track_points: int('most points one track request returns', 100_000, 1, 10_000_000, 'FLEETLAKE_API_MAX_TRACK_POINTS'),
    auth: oneOf('API keys on /v1: required, or off (loopback only); auto = off on a loopback host, required on any other', 'auto', ['auto', 'required', 'off'] as const, 'FLEETLAKE_API_AUTH'),
    rate_limit: int('requests one API key (or, without a key, one address) may make per api.rate_window; 0 = no limit', 600, 0, 1_000_000, 'FLEETLAKE_API_RATE_LIMIT'),
    rate_window: duration('the window api.rate_limit counts requests in', '1m', 'FLEETLAKE_API_RATE_WINDOW'),
    max_concurrent_queries: int('heavy queries (area, track, heatmap, count) one API key may run at once; more get 429', 4, 1, 1000, 'FLEETLAKE_API_MAX_CONCURRENT_QUERIES'),
    metrics: oneOf('who may read /metrics: loopback (requests from this machine only) or open', 'loopback', ['loopback', 'open'] as const, 'FLEETLAKE_API_METRICS'),
  },
  map: {
    style_url: str('MapLibre style the /map page draws under the fleet (e.g. a self-hosted OpenStreetMap vector style); empty = the offline style: background, districts, H3 grid', '', 'FLEETLAKE_MAP_STYLE_URL'),
    live_interval: duration('how often GET /v1/live reads fleet.latest_positions for changes (fleetlake start also reads after every ingested batch)', '1s', 'FLEETLAKE_MAP_LIVE_INTERVAL'),
    stale_after: duration('the live map greys out a vehicle not seen for this long, and leaves it out of district counts', '2m', 'FLEETLAKE_MAP_STALE_AFTER'),
    live_max_vehicles: int('most vehicles GET /v1/live follows', 100_000, 1, 10_000_000, 'FLEETLAKE_MAP_LIVE_MAX_VEHICLES'),
  },
  generator: {
    vehicles: int('vehicles in the simulated fleet (`fleetlake generate --vehicles`)', FLEET_DEFAULTS.vehicles, FLEET_LIMITS.vehicles.min, FLEET_LIMITS.vehicles.max, 'FLEETLAKE_GENERATOR_VEHICLES'),
    interval: duration('how often each simulated vehicle reports (1s to 1h)', `${FLEET_DEFAULTS.intervalMs / 1000}s`, 'FLEETLAKE_GENERATOR_INTERVAL'),
    seed: int('generator seed; the same seed gives the same stream byte for byte', FLEET_DEFAULTS.seed, FLEET_LIMITS.seed.min, FLEET_LIMITS.seed.max, 'FLEETLAKE_GENERATOR_SEED'),
    sink: str('where generated positions go: kafka, stdout, null, file:PATH, or a gateway as teltonika://, gt06:// or osmand://HOST:PORT', 'stdout', 'FLEETLAKE_GENERATOR_SINK'),
    districts: str('GeoJSON districts of the simulated city; empty = the built-in Montréal districts', '', 'FLEETLAKE_GENERATOR_DISTRICTS'),
    cross_district_share: num('share of trips whose destination is outside the vehicle\'s home district', FLEET_DEFAULTS.crossDistrictShare, 0, 1, 'FLEETLAKE_GENERATOR_CROSS_DISTRICT_SHARE'),
    gps_noise_m: num('radius of the simulated GPS error, metres', FLEET_DEFAULTS.gpsNoiseM, FLEET_LIMITS.gpsNoiseM.min, FLEET_LIMITS.gpsNoiseM.max, 'FLEETLAKE_GENERATOR_GPS_NOISE_M'),
    compression: oneOf('compression of generated Kafka batches (every one is read by ingest); lz4 costs the least CPU end to end (bench:codecs)', 'lz4', KAFKA_COMPRESSIONS, 'FLEETLAKE_GENERATOR_COMPRESSION'),
  },
  gateway: {
    host: str('address the device listeners bind to (all three protocols)', '0.0.0.0', 'FLEETLAKE_GATEWAY_HOST'),
    teltonika_port: int('Teltonika Codec 8/8E port, TCP and UDP (Traccar uses 5027); 0 picks a free one', 5027, 0, 65535, 'FLEETLAKE_GATEWAY_TELTONIKA_PORT'),
    gt06_port: int('GT06/Concox TCP port (Traccar uses 5023); 0 picks a free one', 5023, 0, 65535, 'FLEETLAKE_GATEWAY_GT06_PORT'),
    osmand_port: int('OsmAnd/Traccar Client HTTP port (Traccar uses 5055); 0 picks a free one', 5055, 0, 65535, 'FLEETLAKE_GATEWAY_OSMAND_PORT'),
    unknown_devices: oneOf('what happens to a device not in fleet.devices: reject it, or register it with vehicle_id = its device id (for trials)', 'reject', ['reject', 'register'] as const, 'FLEETLAKE_GATEWAY_UNKNOWN_DEVICES'),
    frames_topic: str('topic of the raw frame archive', TOPICS.deviceFrames, 'FLEETLAKE_GATEWAY_FRAMES_TOPIC'),
    compression: oneOf('compression of the gateway\'s Kafka batches (positions and frames); lz4 costs the gateway about 4 % of its CPU at 19,500 devices, none moves the bytes to the broker and the network instead (docs/gateway.md)', 'lz4', KAFKA_COMPRESSIONS, 'FLEETLAKE_GATEWAY_COMPRESSION'),
    archive_group: str('consumer group of the gateways\' archivers, which copy the frames topic into fleet.device_frames; empty turns the archiver off', 'fleetlake-frames-archive', 'FLEETLAKE_GATEWAY_ARCHIVE_GROUP'),
    raw_retention: duration('how long fleet.device_frames keeps raw frames', '90d', 'FLEETLAKE_GATEWAY_RAW_RETENTION'),
    max_frame_bytes: int('largest frame or request body accepted; a larger one closes the connection (oversized)', 4096, 64, 1_048_576, 'FLEETLAKE_GATEWAY_MAX_FRAME_BYTES'),
    max_connections: int('open device connections in all, over all protocols; more are refused', 50_000, 1, 1_000_000, 'FLEETLAKE_GATEWAY_MAX_CONNECTIONS'),
    max_connections_per_address: int('open device connections from one remote address; more are refused', 1000, 1, 1_000_000, 'FLEETLAKE_GATEWAY_MAX_CONNECTIONS_PER_ADDRESS'),
    idle_timeout: duration('a connection that sends nothing this long is closed', '10m', 'FLEETLAKE_GATEWAY_IDLE_TIMEOUT'),
    frame_timeout: duration('a frame must arrive whole within this time of its first byte, or the connection is cut (trickling clients)', '30s', 'FLEETLAKE_GATEWAY_FRAME_TIMEOUT'),
    registry_refresh: duration('how often the gateway rereads fleet.devices', '10s', 'FLEETLAKE_GATEWAY_REGISTRY_REFRESH'),
    report_interval: duration('how often each gateway writes its figures (connections, positions/s, ACK latency) into fleet.ingest_metrics for the Devices dashboard', '10s', 'FLEETLAKE_GATEWAY_REPORT_INTERVAL'),
    command_poll: duration('how often each gateway reads the command queue (fleet.device_commands) for its connected devices', '1s', 'FLEETLAKE_GATEWAY_COMMAND_POLL'),
    command_answer_timeout: duration('how long a device has to answer a command sent to it before it is recorded unanswered', '30s', 'FLEETLAKE_GATEWAY_COMMAND_ANSWER_TIMEOUT'),
    command_expiry: duration('default life of a queued command: not sent by then, it expires (POST /v1/devices/{id}/commands takes expires_in)', '1d', 'FLEETLAKE_GATEWAY_COMMAND_EXPIRY'),
    metrics_port: int('port of the gateway\'s Prometheus /metrics endpoint; 0 turns it off', 9465, 0, 65535, 'FLEETLAKE_GATEWAY_METRICS_PORT'),
  },
  log: {
    level: oneOf('log level', 'info', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const, 'FLEETLAKE_LOG_LEVEL'),
  },
} as const;

type Section = Record<string, FieldSpec<unknown>>;
type SectionValues<S extends Section> = { readonly [K in keyof S]: S[K] extends FieldSpec<infer T> ? T : never };
export type FleetlakeConfig = { readonly [K in keyof typeof CONFIG_SPEC]: SectionValues<(typeof CONFIG_SPEC)[K]> };
