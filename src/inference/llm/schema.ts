/**
 * Turns a request's JSON schema into the subset node-llama-cpp builds a grammar from. What zod's
 * `z.toJSONSchema` writes mostly fits already; `anyOf` (zod's unions and nullables) becomes `oneOf`,
 * which constrains generation the same way, and `$schema` is dropped. A keyword the grammar cannot
 * honour is refused with a clear message rather than ignored: node-llama-cpp would otherwise leave
 * that part of the output unconstrained, and the answer would fail the caller's validation later.
 */

/**
 * llama.cpp's grammar parser refuses a repetition above about 2,000 (its MAX_REPETITION_THRESHOLD,
 * counted over the repeated rule), so a string's `maxLength` above this is left to the caller's own
 * validation and the request's `max_tokens`, rather than failing the whole request.
 */
export const GRAMMAR_MAX_LENGTH = 1000;

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null', 'object', 'array']);
const REFUSED = ['allOf', 'not', 'if', 'then', 'else', 'patternProperties', 'dependentSchemas'];

/** Thrown for a schema the grammar cannot honour; the message names where. */
export class UnsupportedSchemaError extends Error {}

/** A copy of `schema` that node-llama-cpp's JSON-schema grammar honours, or UnsupportedSchemaError. */
export function toGrammarSchema(schema: unknown, at = 'schema'): unknown {
  if (Array.isArray(schema)) return schema.map((s, i) => toGrammarSchema(s, `${at}[${i}]`));
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema as Record<string, unknown>)) {
    if (key === '$schema' || key === '$id') continue;
    if (REFUSED.includes(key)) throw new UnsupportedSchemaError(`${at}.${key} is not supported by the JSON grammar`);
    if (key === 'type') {
      const types = Array.isArray(value) ? value : [value];
      const bad = types.find((t) => typeof t !== 'string' || !TYPES.has(t));
      if (bad !== undefined || types.length === 0) throw new UnsupportedSchemaError(`${at}.type: ${JSON.stringify(bad ?? value)} is not a JSON schema type`);
      out.type = value;
    } else if ((key === 'maxLength' || key === 'minLength') && typeof value === 'number' && value > GRAMMAR_MAX_LENGTH) {
      if (key === 'minLength') out.minLength = GRAMMAR_MAX_LENGTH; // still long; the caller checks the rest
    } else if (key === 'anyOf') {
      out.oneOf = toGrammarSchema(value, `${at}.anyOf`);
    } else if (key === 'properties' || key === '$defs' || key === 'definitions') {
      out[key] = Object.fromEntries(Object.entries((value ?? {}) as Record<string, unknown>).map(([k, v]) => [k, toGrammarSchema(v, `${at}.${key}.${k}`)]));
    } else if (['items', 'prefixItems', 'oneOf', 'additionalProperties'].includes(key)) {
      out[key] = toGrammarSchema(value, `${at}.${key}`);
    } else {
      out[key] = value;
    }
  }
  return out;
}
