/**
 * The optional fields of the position contract that device gateways fill in:
 * what a tracker says beyond where and when. Each is checked only when
 * present, so producers that send none (the simulator) pay nothing, and each
 * has a stored column in fleet.positions (schema/migrations/0020).
 */
export interface PositionExtras {
  readonly altitude_m?: number;
  readonly satellites?: number;
  /** The tracker's own id (IMEI, or the app's id), when a gateway mapped it to vehicle_id. */
  readonly device_id?: string;
  readonly ignition?: boolean;
  readonly movement?: boolean;
  readonly odometer_m?: number;
  readonly external_voltage_mv?: number;
  readonly battery_voltage_mv?: number;
  /** Signal level as the device reports it (Teltonika 0..5, GT06 0..4). */
  readonly gsm_signal?: number;
  /** Every other value the device sent, by name (Teltonika: `io<id>`). */
  readonly attributes?: Readonly<Record<string, string | number | boolean>>;
}

type IntegerField = 'altitude_m' | 'satellites' | 'odometer_m' | 'external_voltage_mv' | 'battery_voltage_mv' | 'gsm_signal';

/** Whole-number fields and their ranges, which are those of their stored columns. */
export const INTEGER_EXTRAS: readonly (readonly [IntegerField, number, number])[] = [
  ['altitude_m', -32768, 32767],
  ['satellites', 0, 255],
  ['odometer_m', 0, Number.MAX_SAFE_INTEGER],
  ['external_voltage_mv', 0, 65535],
  ['battery_voltage_mv', 0, 65535],
  ['gsm_signal', 0, 255],
];
export const BOOLEAN_EXTRAS = ['ignition', 'movement'] as const;

export const MAX_ATTRIBUTES = 64;
export const ATTRIBUTE_KEY = /^[A-Za-z0-9_.:-]{1,64}$/;
/** Printable ASCII without quote and backslash: stored as-is in a Map(String, String) without escaping. */
export const ATTRIBUTE_TEXT = /^[\x20-\x26\x28-\x5b\x5d-\x7e]{0,256}$/;
const DEVICE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export type ExtrasCheck = { readonly ok: true; readonly extras: PositionExtras } | { readonly ok: false; readonly detail: string };

/** Reads the optional fields of a decoded message; absent and null fields are left out. Never throws. */
export function checkExtras(v: Record<string, unknown>): ExtrasCheck {
  const extras: Record<string, unknown> = {};
  for (const [name, min, max] of INTEGER_EXTRAS) {
    const n = v[name];
    if (n === undefined || n === null) continue;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) return { ok: false, detail: `${name} must be a whole number from ${min} to ${max}` };
    extras[name] = n;
  }
  for (const name of BOOLEAN_EXTRAS) {
    const b = v[name];
    if (b === undefined || b === null) continue;
    if (typeof b !== 'boolean') return { ok: false, detail: `${name} must be true or false` };
    extras[name] = b;
  }
  const deviceId = v.device_id;
  if (deviceId !== undefined && deviceId !== null) {
    if (typeof deviceId !== 'string' || !DEVICE_ID.test(deviceId)) return { ok: false, detail: 'device_id must be 1 to 64 of A-Z a-z 0-9 . _ : -' };
    extras.device_id = deviceId;
  }
  const attributes = v.attributes;
  if (attributes !== undefined && attributes !== null) {
    if (typeof attributes !== 'object' || Array.isArray(attributes)) return { ok: false, detail: 'attributes must be an object' };
    const entries = Object.entries(attributes as Record<string, unknown>);
    if (entries.length > MAX_ATTRIBUTES) return { ok: false, detail: `attributes has ${entries.length} entries; at most ${MAX_ATTRIBUTES} are kept` };
    for (const [key, value] of entries) {
      if (!ATTRIBUTE_KEY.test(key)) return { ok: false, detail: `attribute name ${JSON.stringify(key)} must be 1 to 64 of A-Z a-z 0-9 _ . : -` };
      const fine = typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && ATTRIBUTE_TEXT.test(value));
      if (!fine) return { ok: false, detail: `attribute ${key} must be a number, true/false, or printable text without quotes or backslashes (256 characters at most)` };
    }
    extras.attributes = attributes;
  }
  return { ok: true, extras };
}

/** The optional fields in wire form, in a fixed order, each with its leading comma; '' when there are none. */
export function encodeExtras(p: PositionExtras): string {
  let out = '';
  for (const [name] of INTEGER_EXTRAS) if (p[name] !== undefined) out += `,"${name}":${p[name]}`;
  for (const name of BOOLEAN_EXTRAS) if (p[name] !== undefined) out += `,"${name}":${p[name]}`;
  if (p.device_id !== undefined) out += `,"device_id":${JSON.stringify(p.device_id)}`;
  if (p.attributes !== undefined) out += `,"attributes":${JSON.stringify(p.attributes)}`;
  return out;
}
