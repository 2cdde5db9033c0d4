import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { allowedText, firstProblem } from './schema-text.ts';

describe('allowedText', () => {
  it('words numeric limits, units and choices as the errors say them', () => {
    expect(allowedText(Type.Integer({ minimum: 1, maximum: 10 }))).toBe('a whole number from 1 to 10');
    expect(allowedText(Type.Number({ minimum: 0, exclusiveMaximum: 1 }))).toBe('a number from 0 to below 1');
    expect(allowedText(Type.Number({ minimum: 0, maximum: 100, unit: 'metres' }))).toBe('a number of metres from 0 to 100');
    expect(allowedText(Type.Union([Type.Literal('a'), Type.Literal('b')]))).toBe('one of a, b');
    expect(allowedText(Type.Number({ exclusiveMinimum: 0, maximum: 24 }))).toBe('a number more than 0 and at most 24');
    expect(allowedText(Type.Number({ exclusiveMinimum: 0 }))).toBe('a number more than 0');
  });
});

describe('firstProblem', () => {
  it('names the dotted path, what is allowed there and what was given', () => {
    const schema = Type.Object({ n: Type.Integer({ minimum: 1, maximum: 3 }), inner: Type.Optional(Type.Object({ share: Type.Number({ minimum: 0, maximum: 1 }) })) });
    expect(firstProblem(schema, { n: 2 })).toBeUndefined();
    expect(firstProblem(schema, { n: 2, inner: { share: 2 } })).toEqual({ path: 'inner.share', allowed: 'a number from 0 to 1', given: 2 });
    expect(firstProblem(schema, {})).toEqual({ path: 'n', allowed: 'a whole number from 1 to 3', given: undefined });
  });
});
