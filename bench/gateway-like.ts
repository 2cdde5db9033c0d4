import h3 from 'h3-js';
import type { Position } from '../core/position.ts';
import { createRandom } from '../generator/prng.ts';

/**
 * Gives generator positions the device fields a Teltonika tracker in a van
 * reports (what the gateway turns into columns), so bench:storage can say
 * what gateway data costs on disk beside simulator data: an odometer that
 * follows the track, altitude with GPS jitter, 8-13 satellites, ignition and
 * movement from speed, noisy supply and battery voltages, signal level, and
 * three IO values as attributes.
 */
export function createGatewayLikeEnricher(seed: number): (p: Position) => Position {
  const random = createRandom(seed);
  const vehicles = new Map<string, { imei: string; odometer: number; lat: number; lon: number; altitude: number }>();
  return (p) => {
    let v = vehicles.get(p.vehicle_id);
    if (!v) {
      v = { imei: String(350_000_000_000_000 + vehicles.size * 7919), odometer: random.int(300_000_000), lat: p.lat, lon: p.lon, altitude: 20 + random.int(80) };
      vehicles.set(p.vehicle_id, v);
    }
    v.odometer += Math.round(h3.greatCircleDistance([v.lat, v.lon], [p.lat, p.lon], 'm'));
    v.lat = p.lat;
    v.lon = p.lon;
    const moving = p.speed_kmh > 0;
    const ignition = moving || random.float() < 0.3;
    return {
      ...p,
      altitude_m: v.altitude + random.int(7) - 3,
      satellites: 8 + random.int(6),
      device_id: v.imei,
      ignition,
      movement: moving,
      odometer_m: v.odometer,
      external_voltage_mv: ignition ? 13_800 + random.int(400) : 12_300 + random.int(200),
      battery_voltage_mv: 4080 + random.int(40),
      gsm_signal: 3 + random.int(3),
      attributes: { io1: ignition ? 1 : 0, io69: 1, io200: 0 },
    };
  };
}
