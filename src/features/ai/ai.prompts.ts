/**
 * Versioned prompts: each feature's instructions are a Markdown file in `prompts/`, and the file's
 * sha256 is the prompt's version, recorded on every draft. Changing a word changes the version, so
 * a draft always says exactly which instructions produced it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../platform/runtime/paths.js';

/** One loaded prompt. */
export interface Prompt {
  name: string;
  text: string;
  /** sha256 of the file's bytes, hex. */
  version: string;
}

const cache = new Map<string, Prompt>();

/** The prompt `prompts/<name>.md` (read once per process). */
export function loadPrompt(name: string): Prompt {
  const cached = cache.get(name);
  if (cached) return cached;
  const bytes = readFileSync(path.join(packageRoot(), 'src/features/ai/prompts', `${name}.md`));
  const prompt = { name, text: bytes.toString('utf8'), version: createHash('sha256').update(bytes).digest('hex') };
  cache.set(name, prompt);
  return prompt;
}

/** sha256 hex of a value's JSON: the input digest a draft records. */
export function digestOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}
