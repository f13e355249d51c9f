import { isDeepStrictEqual } from 'node:util';
import type { BackendConfig, DispatcherConfig } from '../types.js';

/** One backend present in both configurations whose entry differs. */
export interface BackendChange {
  name: string;
  before: BackendConfig;
  after: BackendConfig;
  /** Which fields differ, e.g. ['tier'] for a shared GPU promoted to dedicated. */
  fields: Array<keyof BackendConfig>;
}

/** What a reload changes; backends are matched by name so a renamed backend is a removal plus an addition. */
export interface ConfigDiff {
  added: BackendConfig[];
  removed: BackendConfig[];
  changed: BackendChange[];
  /** Top-level settings other than backends that differ. */
  settings: Array<Exclude<keyof DispatcherConfig, 'backends'>>;
}

const backendFields: Array<keyof BackendConfig> = ['baseUrl', 'kind', 'tier', 'models', 'slots', 'weight', 'onSite', 'reserve'];
const settingFields: Array<Exclude<keyof DispatcherConfig, 'backends'>> = ['classes', 'probe', 'metricsStaleMs', 'timeouts', 'retry', 'reserve'];

/** Compares two configurations (pure); the dispatcher applies the result without touching in-flight work. */
export function diffConfigs(old: DispatcherConfig, next: DispatcherConfig): ConfigDiff {
  const oldByName = new Map(old.backends.map((b) => [b.name, b]));
  const nextNames = new Set(next.backends.map((b) => b.name));
  const added: BackendConfig[] = [];
  const changed: BackendChange[] = [];
  for (const after of next.backends) {
    const before = oldByName.get(after.name);
    if (before === undefined) {
      added.push(after);
      continue;
    }
    const fields = backendFields.filter((f) => !isDeepStrictEqual(before[f], after[f]));
    if (fields.length > 0) changed.push({ name: after.name, before, after, fields });
  }
  return {
    added,
    removed: old.backends.filter((b) => !nextNames.has(b.name)),
    changed,
    settings: settingFields.filter((f) => !isDeepStrictEqual(old[f], next[f])),
  };
}

/** True when a diff changes nothing (a save without edits, or a reordering of backends). */
export function isEmptyDiff(diff: ConfigDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0 && diff.settings.length === 0;
}

/** A short, secret-free summary for the log: "added a; removed b; b2: tier shared→dedicated". */
export function summarizeDiff(diff: ConfigDiff): string {
  const parts: string[] = [];
  if (diff.added.length > 0) parts.push(`added ${diff.added.map((b) => b.name).join(', ')}`);
  if (diff.removed.length > 0) parts.push(`removed ${diff.removed.map((b) => b.name).join(', ')}`);
  for (const c of diff.changed) {
    const details = c.fields.map((f) => (f === 'tier' || f === 'slots' || f === 'weight' ? `${f} ${String(c.before[f])}→${String(c.after[f])}` : f));
    parts.push(`${c.name}: ${details.join(', ')}`);
  }
  if (diff.settings.length > 0) parts.push(`settings ${diff.settings.join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : 'no change';
}
