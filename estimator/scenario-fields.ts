import { Type, type TInteger, type TNumber } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { DURATION_HELP, parseDuration, type Duration } from '../core/duration.ts';
import { allowedText } from '../core/schema-text.ts';

/**
 * How one scenario input is read from YAML or a flag. Unlike the config
 * helpers (which only say "expected …"), a field here says what exactly is
 * wrong — an unknown unit, a zero interval — because planners type these by hand.
 */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

export interface ScenarioField<T> {
  readonly doc: string;
  /** The value when neither file nor flag gives one; undefined = required. Lazy because some defaults are measured. */
  readonly fallback: (() => T) | undefined;
  readonly parse: (raw: unknown) => Parsed<T>;
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(problem: string): Parsed<T> => ({ ok: false, problem });

const NUMBER_WITH_UNIT = /^\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*([A-Za-z%]*)\s*$/;

function splitUnit(raw: unknown): { n: number; unit: string } | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? { n: raw, unit: '' } : undefined;
  if (typeof raw !== 'string') return undefined;
  const m = NUMBER_WITH_UNIT.exec(raw);
  return m ? { n: Number(m[1]), unit: m[2] ?? '' } : undefined;
}

/** A duration such as 5s, 30d or 7y; `positive` refuses zero (a report interval of zero means infinite traffic). */
export function durationField(doc: string, def: string | undefined): ScenarioField<Duration> {
  return {
    doc,
    fallback: def === undefined ? undefined : () => parseDuration(def) as Duration,
    parse(raw) {
      const parts = splitUnit(raw);
      if (!parts) return bad(`expected ${DURATION_HELP}`);
      if (parts.unit === '') return bad(`needs a unit: ${DURATION_HELP}`);
      if (parts.n < 0) return bad('must not be negative');
      const d = parseDuration(`${parts.n}${parts.unit}`);
      if (!d) return bad(`unknown unit "${parts.unit}"; use ms, s, m, h, d, w or y`);
      if (d.ms === 0) return bad('must be longer than zero');
      return ok(d);
    },
  };
}

const SIZE_UNITS: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

/** A size in bytes: a plain number, or a number with B, KB, MB, GB, KiB, MiB or GiB. */
export function sizeField(doc: string, def: () => number): ScenarioField<number> {
  return {
    doc,
    fallback: def,
    parse(raw) {
      const parts = splitUnit(raw);
      if (!parts) return bad('expected a size such as 180, 180B or 0.2KB');
      const factor = SIZE_UNITS[parts.unit === '' ? 'B' : parts.unit];
      if (factor === undefined) return bad(`unknown unit "${parts.unit}"; use ${Object.keys(SIZE_UNITS).join(', ')}`);
      const bytes = parts.n * factor;
      return bytes > 0 ? ok(bytes) : bad('must be more than zero bytes');
    },
  };
}

export interface NumberRange {
  readonly min: number;
  readonly max: number;
  /** True when `min` itself is not allowed (a share of 0, a zero-hour day). */
  readonly minExclusive?: boolean;
  readonly integer?: boolean;
  /** Accept "50%" for 0.5. */
  readonly percent?: boolean;
}

/** The range as a TypeBox schema: the check, and (core/schema-text.ts) the words of the message. */
function rangeSchema(range: NumberRange): TNumber | TInteger {
  const limits = {
    ...(range.minExclusive ? { exclusiveMinimum: range.min } : { minimum: range.min }),
    ...(range.max === Number.POSITIVE_INFINITY ? {} : { maximum: range.max }),
  };
  return range.integer ? Type.Integer(limits) : Type.Number(limits);
}

function checkNumber(parts: { n: number; unit: string } | undefined, range: NumberRange, schema: TNumber | TInteger): Parsed<number> {
  const expected = `expected ${allowedText(schema)}${range.percent ? ' (or a percentage such as 50%)' : ''}`;
  if (!parts) return bad(expected);
  let n = parts.n;
  if (parts.unit === '%' && range.percent) n /= 100;
  else if (parts.unit !== '') return bad(`unknown unit "${parts.unit}"; ${expected}`);
  if (Value.Check(schema, n)) return ok(n);
  return bad(`${n < 0 && range.min >= 0 && (Number.isInteger(n) || !range.integer) ? 'must not be negative: ' : ''}${expected}`);
}

export function numberField(doc: string, def: number | (() => number) | undefined, range: NumberRange): ScenarioField<number> {
  const schema = rangeSchema(range);
  return {
    doc,
    fallback: def === undefined ? undefined : typeof def === 'number' ? () => def : def,
    parse: (raw) => checkNumber(splitUnit(raw), range, schema),
  };
}

/** The fleet: one count, or one count per year of operation (a growth curve; later years keep the last count). */
export function vehiclesField(doc: string): ScenarioField<readonly number[]> {
  const range: NumberRange = { min: 0, max: 1e9, integer: true };
  const schema = rangeSchema(range);
  return {
    doc,
    fallback: undefined,
    parse(raw) {
      const items = Array.isArray(raw) ? raw : typeof raw === 'string' && raw.includes(',') ? raw.split(',') : [raw];
      if (items.length === 0) return bad('needs at least one vehicle count');
      const counts: number[] = [];
      for (const [i, item] of items.entries()) {
        const n = checkNumber(splitUnit(item), range, schema);
        if (!n.ok) return bad(items.length > 1 ? `year ${i + 1} (${JSON.stringify(item)}) ${n.problem}` : n.problem);
        counts.push(n.value);
      }
      return ok(counts);
    },
  };
}

/** An ISO 4217-shaped currency code; the estimator never converts, it only labels. */
export function currencyField(doc: string, def: string): ScenarioField<string> {
  return {
    doc,
    fallback: () => def,
    parse: (raw) => (typeof raw === 'string' && /^[A-Z]{3}$/.test(raw.trim()) ? ok(raw.trim()) : bad('expected a three-letter currency code such as USD, EUR or CAD')),
  };
}
