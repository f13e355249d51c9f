import { readFileSync } from 'node:fs';
import type { BackendConfig, DispatcherConfig } from '../types.js';
import { describeIssues, dispatcherConfigSchema } from './config.schema.js';
import { privacyProblems } from './privacy-guard.js';

/** Thrown when the dispatcher's configuration file is refused; the message lists every problem. */
export class DispatcherConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`The dispatcher configuration ${file} is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'DispatcherConfigError';
  }
}

/** Outcome of checking a configuration: the config, or the list of problems. */
export type ConfigCheck = { ok: true; config: DispatcherConfig } | { ok: false; problems: string[] };

/** Checks an already-parsed value against the schema and the privacy guard. */
export function checkDispatcherConfig(raw: unknown): ConfigCheck {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, problems: ['(file): must be a JSON object with a "backends" list'] };
  }
  const result = dispatcherConfigSchema.safeParse(raw);
  // The guard also runs on a file that fails the schema, so the operator sees every problem at once.
  const refused = privacyProblems(result.success ? result.data.backends : guardableEntries(raw));
  if (!result.success) return { ok: false, problems: [...describeIssues(result.error.issues), ...refused] };
  if (refused.length > 0) return { ok: false, problems: refused };
  return { ok: true, config: result.data };
}

/** The entries of an invalid file that are well-formed enough for the guard; others keep their index. */
function guardableEntries(raw: object): Array<Pick<BackendConfig, 'name' | 'baseUrl' | 'onSite'> | undefined> {
  const backends = (raw as { backends?: unknown }).backends;
  if (!Array.isArray(backends)) return [];
  return backends.map((entry: unknown) => {
    const b = entry as { name?: unknown; baseUrl?: unknown; onSite?: unknown } | null;
    if (b === null || typeof b !== 'object' || typeof b.baseUrl !== 'string') return undefined;
    return { name: typeof b.name === 'string' ? b.name : '(unnamed)', baseUrl: b.baseUrl, onSite: b.onSite === true };
  });
}

/** Parses JSON text without echoing it: V8's messages quote the text, which may hold secrets. */
function parseJson(text: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    const position = /position (\d+)/.exec((err as Error).message)?.[1];
    let where = '';
    if (position !== undefined) {
      const before = text.slice(0, Number(position)).split('\n');
      where = ` at line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
    }
    return { ok: false, problem: `(file): is not valid JSON${where} (look for a trailing comma, a comment or an unquoted name)` };
  }
}

/** Checks the text of a configuration file (JSON). */
export function checkDispatcherConfigText(text: string): ConfigCheck {
  const parsed = parseJson(text);
  return parsed.ok ? checkDispatcherConfig(parsed.value) : { ok: false, problems: [parsed.problem] };
}

/** Reads a configuration file, or a reason it cannot be read. */
export function readConfigText(file: string): { ok: true; text: string } | { ok: false; problem: string } {
  try {
    return { ok: true, text: readFileSync(file, 'utf8') };
  } catch (err) {
    return { ok: false, problem: `(file): cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
}

/** Loads and checks the dispatcher's configuration file; throws DispatcherConfigError listing every problem. */
export function loadDispatcherConfig(file: string): DispatcherConfig {
  const read = readConfigText(file);
  if (!read.ok) throw new DispatcherConfigError(file, [read.problem]);
  const check = checkDispatcherConfigText(read.text);
  if (!check.ok) throw new DispatcherConfigError(file, check.problems);
  return check.config;
}
