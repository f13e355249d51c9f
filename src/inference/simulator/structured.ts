/**
 * Structured output for the simulated backend: a chat request with `response_format: { type:
 * "json_schema" }` gets a JSON value valid for the schema, the way a grammar-constrained server
 * (vLLM guided decoding, llama.cpp grammars) answers. The subset covers what zod's toJSONSchema
 * emits for Kona's output schemas: objects, arrays, strings with lengths or enums, numbers,
 * booleans, const, anyOf/oneOf. The value is deterministic: same schema, same answer.
 */
import { loremToken } from './text.js';

/** A JSON schema node (the subset read here). */
type Node = {
  type?: string | string[];
  properties?: Record<string, Node>;
  items?: Node;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Node[];
  oneOf?: Node[];
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
};

/** The schema of a `response_format`, or undefined when the request asks for none. */
export function jsonSchemaOf(responseFormat: unknown): Node | undefined {
  const rf = responseFormat as { type?: string; json_schema?: { schema?: Node } } | undefined;
  if (rf?.type !== 'json_schema' || typeof rf.json_schema?.schema !== 'object') return undefined;
  return rf.json_schema.schema;
}

/** Lorem words filling at least `min` and at most `max` characters. */
function sampleString(min: number, max: number): string {
  let text = '';
  for (let i = 0; text.length < Math.max(min, Math.min(max, 24)); i++) text += loremToken(i);
  return text.slice(0, max).padEnd(min, '.');
}

/** A value valid for `node`. */
export function sampleFor(node: Node): unknown {
  if (node.const !== undefined) return node.const;
  if (node.enum?.length) return node.enum[0];
  const choice = node.anyOf?.[0] ?? node.oneOf?.[0];
  if (choice) return sampleFor(choice);
  const type = Array.isArray(node.type) ? node.type[0] : node.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(node.properties ?? {}).map(([k, v]) => [k, sampleFor(v)]));
    case 'array': {
      const n = Math.max(node.minItems ?? 1, Math.min(node.maxItems ?? 1, 1));
      return Array.from({ length: n }, () => sampleFor(node.items ?? {}));
    }
    case 'string':
      return sampleString(node.minLength ?? 0, node.maxLength ?? 200);
    case 'integer':
    case 'number':
      return node.minimum ?? (node.exclusiveMinimum !== undefined ? node.exclusiveMinimum + 1 : node.maximum ?? 0);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return {};
  }
}
