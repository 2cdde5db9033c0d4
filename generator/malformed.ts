import { REJECT_REASONS, type RejectReason } from '../core/position.ts';
import type { Random } from './prng.ts';

/**
 * Every way a generated message can be broken: every reason core/position.ts
 * refuses a message for, but the time bounds, which depend on the ingest
 * process's clock rather than on the message. Each kind is refused for the
 * reason it is named after.
 */
export type MalformedKind = Exclude<RejectReason, 'too_old' | 'too_far_in_future'>;
export const MALFORMED_KINDS: readonly MalformedKind[] = REJECT_REASONS.filter(
  (reason): reason is MalformedKind => reason !== 'too_old' && reason !== 'too_far_in_future',
);

const REQUIRED = ['vehicle_id', 'ts', 'lat', 'lon', 'speed_kmh', 'heading_deg'] as const;

/**
 * Breaks a valid wire message (core/position.ts encodePosition form) in the
 * given way, with variations drawn from `random`. The result has no newline,
 * so NDJSON output keeps one message per line.
 */
export function malform(value: string, kind: MalformedKind, random: Random): string {
  if (kind === 'not_json') return value.slice(0, 1 + random.int(value.length - 1));
  const p = JSON.parse(value) as Record<string, unknown>;
  const one = <T>(...choices: T[]): T => choices[random.int(choices.length)]!;
  switch (kind) {
    case 'not_an_object':
      return one(`[${value}]`, 'null', String(p.lat), JSON.stringify(p.vehicle_id));
    case 'missing_field':
      delete p[one(...REQUIRED)];
      break;
    case 'wrong_type': {
      const field = one('vehicle_id', 'ts', 'lat', 'lon', 'speed_kmh', 'heading_deg');
      p[field] = field === 'vehicle_id' ? 42 : field === 'ts' ? Date.parse(String(p.ts)) : one<unknown>(String(p[field]), true, [p[field]]);
      break;
    }
    case 'bad_vehicle_id':
      p.vehicle_id = one('', `${String(p.vehicle_id)} #7`, 'x'.repeat(65), 'véhicule-1');
      break;
    case 'bad_timestamp':
      p.ts = one(String(p.ts).replace('T', ' '), 'yesterday', String(p.ts).replace(/^\d{4}-\d{2}/, '2026-13'), '2026-11-02T25:61:00Z', '');
      break;
    case 'lat_out_of_range':
      p.lat = one(1, -1) * (90 + Math.round(random.float() * 1e6) / 1e4 + 0.001);
      break;
    case 'lon_out_of_range':
      p.lon = one(1, -1) * (180 + Math.round(random.float() * 1e6) / 1e4 + 0.001);
      break;
    case 'speed_out_of_range':
      p.speed_kmh = one(-1 - Math.round(random.float() * 100) / 10, 401 + random.int(10_000));
      break;
    case 'heading_out_of_range':
      p.heading_deg = one(360.5, 361 + random.int(360), -1 - random.int(359));
      break;
    case 'bad_vehicle_type':
      p.vehicle_type = one('Van', 'delivery van', 't'.repeat(33), '');
      break;
  }
  return JSON.stringify(p);
}
