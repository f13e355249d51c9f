import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { GRAMMAR_MAX_LENGTH, toGrammarSchema, UnsupportedSchemaError } from './schema.js';

describe('toGrammarSchema', () => {
  it('keeps what zod writes, turning anyOf into oneOf and dropping $schema', () => {
    const schema = z.toJSONSchema(z.object({ name: z.string().max(5), tags: z.array(z.enum(['a', 'b'])), note: z.union([z.literal('x'), z.number()]) }));
    expect(toGrammarSchema(schema)).toEqual({
      type: 'object',
      properties: {
        name: { type: 'string', maxLength: 5 },
        tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] } },
        note: { oneOf: [{ type: 'string', const: 'x' }, { type: 'number' }] },
      },
      required: ['name', 'tags', 'note'],
      additionalProperties: false,
    });
  });

  it('leaves string lengths beyond llama.cpp\'s repetition limit to the caller\'s validation', () => {
    const schema = z.toJSONSchema(z.object({ post: z.string().min(10).max(2200), huge: z.string().min(5000) }));
    expect(toGrammarSchema(schema)).toMatchObject({ properties: { post: { type: 'string', minLength: 10 }, huge: { type: 'string', minLength: GRAMMAR_MAX_LENGTH } } });
    expect((toGrammarSchema(schema) as { properties: { post: object } }).properties.post).not.toHaveProperty('maxLength');
  });

  it('refuses what the grammar cannot honour, naming where', () => {
    expect(() => toGrammarSchema({ type: 'object', properties: { a: { type: 'date' } } })).toThrow(new UnsupportedSchemaError('schema.properties.a.type: "date" is not a JSON schema type'));
    expect(() => toGrammarSchema({ type: 'array', items: { allOf: [] } })).toThrow(/schema\.items\.allOf is not supported/);
    expect(() => toGrammarSchema({ type: [] })).toThrow(/is not a JSON schema type/);
  });
});
