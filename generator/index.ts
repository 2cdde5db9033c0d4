/** The fleet generator's public API: other stages, tests and benchmarks import from here. */
export { backfillMessages } from './backfill.ts';
export { createFleetEngine, type FleetEngine, type FleetStats } from './engine.ts';
export {
  defaultDistricts,
  resolveFleetOptions,
  type BackfillOptions,
  type FaultOptions,
  type FleetOptions,
  type ResolvedFleetOptions,
} from './fleet-options.ts';
export { FLEET_DEFAULTS, FLEET_LIMITS } from '../core/fleet-limits.ts';
export { MALFORMED_KINDS, type MalformedKind } from './malformed.ts';
export { reportJitterMs } from './motion-limits.ts';
export { fleetRoster, type RosterEntry } from './roster.ts';
export { runGenerator, type GeneratorProgress, type RunGeneratorOptions, type RunSummary, type Schedule } from './run.ts';
export { systemClock, type Clock } from '../core/clock.ts';
export { createVirtualClock } from './virtual-clock.ts';
export type { OutgoingMessage, PositionSink } from './sink.ts';
export { createKafkaSink, type KafkaSink, type KafkaSinkOptions } from './sinks/kafka-sink.ts';
export { createNdjsonSink, openNdjsonFileSink } from './sinks/ndjson-sink.ts';
export { createNullSink, type NullSink } from './sinks/null-sink.ts';
export { openSink, parseSinkSpec, type SinkSpec } from './sinks/open-sink.ts';
export { VEHICLE_PROFILES, VEHICLE_TYPES, type VehicleProfile, type VehicleType } from './vehicle-types.ts';
