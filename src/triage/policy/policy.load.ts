import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isNode, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { policySchema, type Policy } from './policy.schema.js';

/** Thrown when a policy file is refused; `problems` holds one "file:line:col: path: what" line each. */
export class PolicyError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`The triage policy ${file} is not valid:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'PolicyError';
  }
}

/** Reads and validates a policy file; throws PolicyError listing every problem with its line. */
export function loadPolicy(file: string): Policy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new PolicyError(file, [`${path.basename(file)}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  return parsePolicy(text, file);
}

/** Validates policy text; `file` names it in messages (its base name prefixes each problem). */
export function parsePolicy(text: string, file = 'triage-policy.yaml'): Policy {
  const label = path.basename(file);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new PolicyError(file, doc.errors.map((e) => `${label}:${at(lines, e.pos[0])}: ${e.message.split('\n')[0]}`));
  }
  const raw: unknown = doc.toJS() ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new PolicyError(file, [`${label}:1:1: (file): must be a mapping of settings (mode, rules, …)`]);
  }
  const result = policySchema.safeParse(raw, { error: (issue) => (issue.input === undefined ? 'is required' : undefined) });
  if (result.success) return result.data;
  throw new PolicyError(file, result.error.issues.flatMap((issue) => describe(issue, doc, lines, label)));
}

/** One problem line per zod issue (per key for unknown keys), positioned at the nearest node. */
function describe(issue: z.core.$ZodIssue, doc: Document, lines: LineCounter, label: string): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const keyPath = [...issue.path, key];
      return `${label}:${at(lines, keyOffset(doc, issue.path, key) ?? nearestOffset(doc, keyPath))}: ${formatPath(keyPath)}: is not a known setting (misspelt?)`;
    });
  }
  return [`${label}:${at(lines, nearestOffset(doc, issue.path))}: ${formatPath(issue.path)}: ${issue.message}`];
}

/** "line:col" for an offset. */
function at(lines: LineCounter, offset: number): string {
  const pos = lines.linePos(offset);
  return `${pos.line}:${pos.col}`;
}

/** The start of the deepest node that exists along the path (a missing key points at its parent). */
function nearestOffset(doc: Document, issuePath: readonly PropertyKey[]): number {
  for (let n = issuePath.length; n >= 0; n--) {
    const node: unknown = doc.getIn(issuePath.slice(0, n) as unknown[], true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return 0;
}

/** The start of a mapping's key node, for an unknown key. */
function keyOffset(doc: Document, mapPath: readonly PropertyKey[], key: string): number | undefined {
  const map: unknown = mapPath.length === 0 ? doc.contents : doc.getIn(mapPath as unknown[], true);
  if (!isMap(map)) return undefined;
  const pair = map.items.find((p) => (isNode(p.key) ? (p.key as YamlNode & { value?: unknown }).value === key : p.key === key));
  return isNode(pair?.key) ? pair.key.range?.[0] : undefined;
}

/** rules[2].match.alertname */
function formatPath(p: readonly PropertyKey[]): string {
  if (p.length === 0) return '(file)';
  return p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
}
