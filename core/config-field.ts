import { FormatRegistry, Type, type StaticDecode, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { DURATION_HELP, DURATION_PATTERN, parseDuration, type Duration } from './duration.ts';
import { allowedText } from './schema-text.ts';

/**
 * One configuration key. Its TypeBox schema both checks a value and gives the
 * key's TypeScript type; around it, the default, the environment variable that
 * overrides it and what is allowed in words, so that the loader (core/config.ts)
 * can fail naming the key, the value, where it came from and what is allowed.
 */
export interface FieldSpec<T> {
  readonly schema: TSchema;
  readonly default: T;
  readonly env?: string;
  readonly allowed: string;
  readonly doc: string;
  /** Returns the checked value, or undefined when the input is not allowed. */
  readonly parse: (raw: unknown) => T | undefined;
}

const HTTP_URL = 'http-url';
FormatRegistry.Set(HTTP_URL, (text) => {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
});

/**
 * Environment variables are text: `coerce` turns that text into what the
 * schema checks (a number, a list), leaving anything else for the schema to
 * refuse. Coercion stays here rather than in TypeBox's Value.Convert, which
 * would quietly turn "5.5" into 5 for a whole number.
 */
function field<S extends TSchema>(
  schema: S,
  coerce: (raw: unknown) => unknown,
  spec: { doc: string; default: StaticDecode<S>; env: string | undefined; allowed: string },
): FieldSpec<StaticDecode<S>> {
  return {
    schema,
    ...spec,
    parse(raw) {
      const input = coerce(raw);
      return Value.Check(schema, input) ? (Value.Decode(schema, input) as StaticDecode<S>) : undefined;
    },
  };
}

const asIs = (raw: unknown) => raw;
const numberFromText = (raw: unknown) => (typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw);

export const str = (doc: string, def: string, env?: string) =>
  field(Type.String(), (raw) => (typeof raw === 'number' ? String(raw) : raw), { doc, default: def, env, allowed: 'a string' });

export const optionalUrl = (doc: string, env: string, emptyMeans = 'the embedded engine') =>
  field(Type.Union([Type.Undefined(), Type.String({ format: HTTP_URL })]), (raw) => (raw === null || raw === '' ? undefined : raw), {
    doc, default: undefined, env, allowed: `an http:// or https:// URL, or empty for ${emptyMeans}`,
  });

export const int = (doc: string, def: number, min: number, max: number, env?: string) => {
  const schema = Type.Integer({ minimum: min, maximum: max });
  return field(schema, numberFromText, { doc, default: def, env, allowed: allowedText(schema) });
};

export const num = (doc: string, def: number, min: number, max: number, env?: string) => {
  const schema = Type.Number({ minimum: min, maximum: max });
  return field(schema, numberFromText, { doc, default: def, env, allowed: allowedText(schema) });
};

const DURATION = Type.Transform(Type.String({ pattern: DURATION_PATTERN.source }))
  .Decode((text): Duration => parseDuration(text)!)
  .Encode((duration) => duration.text);

export const duration = (doc: string, def: string, env?: string) =>
  field(DURATION, asIs, { doc, default: parseDuration(def)!, env, allowed: DURATION_HELP });

export const brokerList = (doc: string, env: string) =>
  field(
    Type.Array(Type.String({ pattern: '^[^\\s:]+:\\d{1,5}$' })),
    (raw) => {
      const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : undefined;
      return items?.map((b) => (typeof b === 'string' ? b.trim() : '')).filter((b) => b !== '') ?? raw;
    },
    { doc, default: [], env, allowed: 'host:port, or a comma-separated list (YAML: a list) of them' },
  );

/** An unquoted ClickHouse identifier (it is written into DDL), or empty for "none". */
export const identifier = (doc: string, env: string) =>
  field(Type.String({ pattern: '^([A-Za-z_][A-Za-z0-9_]*)?$' }), asIs, {
    doc, default: '', env, allowed: 'a ClickHouse identifier (letters, digits, _; not starting with a digit), or empty',
  });

export const bool = (doc: string, def: boolean, env?: string) =>
  field(Type.Boolean(), (raw) => (raw === 'true' ? true : raw === 'false' ? false : raw), { doc, default: def, env, allowed: 'true or false' });

export const oneOf = <const T extends string>(doc: string, def: T, values: readonly T[], env?: string): FieldSpec<T> => {
  // TypeBox types a union built from a tuple; from a list it needs telling that its values are the list's.
  const schema = Type.Union(values.map((value) => Type.Literal(value))) as TSchema & { static: T };
  return field(schema, asIs, { doc, default: def, env, allowed: allowedText(schema) });
};
