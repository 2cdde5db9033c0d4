import type { Position } from '../core/position.ts';
import { ATTRIBUTE_TEXT, MAX_ATTRIBUTES } from '../core/position-extras.ts';
import type { Gt06Location } from './gt06/gt06-message.ts';
import type { OsmandReport } from './osmand/osmand-report.ts';
import type { AvlRecord } from './teltonika/avl-data.ts';

/**
 * Device records to contract positions. A record without a fix is not a
 * position (Teltonika repeats its last fix with 0 satellites, GT06 clears its
 * "positioned" bit, Traccar Client says valid=false): it is counted here and
 * kept only in the raw frame archive.
 */
export interface Vehicle {
  readonly vehicle_id: string;
  /** '' when the registry has none. */
  readonly vehicle_type: string;
}

export interface Mapped {
  readonly positions: Position[];
  /** Records that carried no fix. */
  readonly withoutFix: number;
}

/** Degrees from north into [0, 360): devices send 360 for north, some send negatives. */
export function normaliseHeading(deg: number): number {
  const h = deg % 360;
  return h < 0 ? h + 360 : h === 0 ? 0 : h;
}

/** Teltonika IO ids with a contract field of their own; the rest become attributes `io<id>`. */
const TELTONIKA_IO = { ignition: 239, movement: 240, gsmSignal: 21, externalMv: 66, batteryMv: 67, odometerM: 16 } as const;
const known = new Set<number>(Object.values(TELTONIKA_IO));

/** `value` if it is at most `max`: a reading past its column's range is dropped rather than wrapped. */
const inRange = (v: number | undefined, max: number) => (v !== undefined && v <= max ? v : undefined);
const flag = (named: ReadonlyMap<number, number>, id: number) => (named.has(id) ? named.get(id) !== 0 : undefined);

/** Room left for attributes, and one more kept when `value` may be stored (numbers, or text of ATTRIBUTE_TEXT). */
function keepAttribute(attributes: Record<string, string | number | boolean>, kept: number, name: string, value: string | number): number {
  if (kept >= MAX_ATTRIBUTES || (typeof value !== 'number' && !ATTRIBUTE_TEXT.test(value))) return kept;
  attributes[name] = value;
  return kept + 1;
}

export function teltonikaPositions(deviceId: string, vehicle: Vehicle, records: readonly AvlRecord[]): Mapped {
  const positions: Position[] = [];
  let withoutFix = 0;
  // Helpers live outside the loop: a closure per record cost measurable time at tens of thousands of records per second (bench:gateway's profile).
  for (const r of records) {
    if (r.satellites === 0) {
      withoutFix++;
      continue;
    }
    const named = new Map<number, number>();
    const attributes: Record<string, string | number | boolean> = {};
    let kept = 0;
    for (const group of [r.io.one, r.io.two, r.io.four]) {
      for (const { id, value } of group) {
        if (known.has(id)) named.set(id, value);
        else kept = keepAttribute(attributes, kept, `io${id}`, value);
      }
    }
    for (const { id, value } of r.io.eight) {
      const n = value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
      if (known.has(id) && n !== undefined) named.set(id, n);
      else kept = keepAttribute(attributes, kept, `io${id}`, n ?? value.toString());
    }
    for (const { id, value } of r.io.nx) kept = keepAttribute(attributes, kept, `io${id}`, value.toString('hex'));
    positions.push(
      withoutUndefined({
        vehicle_id: vehicle.vehicle_id,
        ts_ms: r.timestampMs,
        lat: r.latE7 / 1e7,
        lon: r.lonE7 / 1e7,
        speed_kmh: r.speedKmh,
        heading_deg: normaliseHeading(r.angleDeg),
        vehicle_type: vehicle.vehicle_type,
        // Altitude is an unsigned field on the wire; values past 32767 are below sea level on the devices that send them.
        altitude_m: r.altitudeM > 0x7fff ? r.altitudeM - 0x10000 : r.altitudeM,
        satellites: r.satellites,
        device_id: deviceId,
        ignition: flag(named, TELTONIKA_IO.ignition),
        movement: flag(named, TELTONIKA_IO.movement),
        odometer_m: named.get(TELTONIKA_IO.odometerM),
        external_voltage_mv: inRange(named.get(TELTONIKA_IO.externalMv), 0xffff),
        battery_voltage_mv: inRange(named.get(TELTONIKA_IO.batteryMv), 0xffff),
        gsm_signal: inRange(named.get(TELTONIKA_IO.gsmSignal), 0xff),
        attributes: kept > 0 ? attributes : undefined,
      }),
    );
  }
  return { positions, withoutFix };
}

/** 0x22 frames carry ACC (ignition) as their first byte after the cell. */
export function gt06Positions(deviceId: string, vehicle: Vehicle, location: Gt06Location): Mapped {
  if (!location.positioned) return { positions: [], withoutFix: 1 };
  const acc = location.protocol === 0x22 && location.tail.length > 0 ? location.tail[0] !== 0 : undefined;
  return {
    positions: [
      withoutUndefined({
        vehicle_id: vehicle.vehicle_id,
        ts_ms: location.timestampMs,
        lat: location.lat,
        lon: location.lon,
        speed_kmh: location.speedKmh,
        heading_deg: normaliseHeading(location.courseDeg),
        vehicle_type: vehicle.vehicle_type,
        satellites: location.satellites,
        device_id: deviceId,
        ignition: acc,
      }),
    ],
    withoutFix: 0,
  };
}

export function osmandPositions(vehicle: Vehicle, reports: readonly OsmandReport[]): Mapped {
  const positions: Position[] = [];
  let withoutFix = 0;
  for (const r of reports) {
    if (r.valid === false) {
      withoutFix++;
      continue;
    }
    const attributes: Record<string, number> = {};
    if (r.accuracyM !== undefined) attributes.accuracy_m = r.accuracyM;
    if (r.batteryPercent !== undefined) attributes.battery_pct = r.batteryPercent;
    positions.push(
      withoutUndefined({
        vehicle_id: vehicle.vehicle_id,
        ts_ms: r.timestampMs,
        lat: r.lat,
        lon: r.lon,
        speed_kmh: r.speedKmh ?? 0,
        heading_deg: normaliseHeading(r.bearingDeg ?? 0),
        vehicle_type: vehicle.vehicle_type,
        altitude_m: r.altitudeM === undefined ? undefined : Math.max(-32768, Math.min(32767, Math.round(r.altitudeM))),
        device_id: r.deviceId,
        movement: r.moving,
        attributes: Object.keys(attributes).length > 0 ? attributes : undefined,
      }),
    );
  }
  return { positions, withoutFix };
}

/**
 * Drops absent optional fields, so positions compare and encode as if they had
 * never been set. A copying loop: Object.entries/fromEntries allocated a pair
 * per field and showed in bench:gateway's profile.
 */
function withoutUndefined(p: { [K in keyof Position]: Position[K] | undefined }): Position {
  const out: Record<string, unknown> = {};
  for (const key in p) {
    const value = p[key as keyof Position];
    if (value !== undefined) out[key] = value;
  }
  return out as unknown as Position;
}
