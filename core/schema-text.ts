import { Kind, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * What a TypeBox schema allows, in the words fleetlake's errors use ("a whole
 * number from 1 to 10000000"), so a limit is written once, in the schema, and
 * the check and the message cannot drift apart. A schema may carry `unit`.
 */
export function allowedText(schema: TSchema): string {
  if (schema.type === 'integer' || schema.type === 'number') {
    const kind = `${schema.type === 'integer' ? 'a whole number' : 'a number'}${typeof schema.unit === 'string' ? ` of ${schema.unit}` : ''}`;
    const above = typeof schema.exclusiveMinimum === 'number';
    const low = above ? ` more than ${schema.exclusiveMinimum}` : typeof schema.minimum === 'number' ? ` from ${schema.minimum}` : '';
    const high =
      typeof schema.exclusiveMaximum === 'number'
        ? `${above ? ' and' : ' to'} below ${schema.exclusiveMaximum}`
        : typeof schema.maximum === 'number'
          ? `${above ? ' and at most' : ' to'} ${schema.maximum}`
          : '';
    return `${kind}${low}${high}`;
  }
  if (schema[Kind] === 'Union' && Array.isArray(schema.anyOf) && schema.anyOf.every((s: TSchema) => 'const' in s)) {
    return `one of ${schema.anyOf.map((s: TSchema) => String(s.const)).join(', ')}`;
  }
  if (schema.type === 'string') return 'a string';
  if (schema.type === 'object') return 'a mapping';
  return `a value of type ${String(schema.type ?? schema[Kind])}`;
}

/** The first thing `value` breaks in `schema`: the dotted path, what is allowed there and what was given. */
export function firstProblem(schema: TSchema, value: unknown): { path: string; allowed: string; given: unknown } | undefined {
  const error = Value.Errors(schema, value).First();
  if (!error) return undefined;
  return { path: error.path.slice(1).replaceAll('/', '.'), allowed: allowedText(error.schema), given: error.value };
}
