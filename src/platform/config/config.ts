import { readFileSync } from 'node:fs';
import path from 'node:path';
import { settingsSchema, type Settings } from './config.schema.js';

/** Resolved configuration the processes run with. */
export interface Config {
  settings: Settings;
  dataDir: string;
  uploadsDir: string;
  /** Where mail is written when no SMTP server is configured, one folder per rescue. */
  outboxDir: string;
  /** Where backups are written (KONA_BACKUP_DIR, default `backups` beside the data directory). */
  backupDir: string;
  publicUrl: URL;
  /** True when cookies must be Secure (the public URL is https). */
  secureCookies: boolean;
  embeddedControlPlane: boolean;
}

/** Thrown when settings are missing or wrong; the message names each setting and what it expects. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Kona cannot start: the configuration is not valid.\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

// Their values carry passwords or keys, so a start-up error names the setting but never echoes it.
const secretSettings = new Set(['KONA_SMTP_URL', 'KONA_CONTROL_DATABASE_URL', 'KONA_TENANT_SERVER_URL', 'KONA_ENCRYPTION_KEYS', 'KONA_BLIND_INDEX_KEY', 'KONA_SESSION_SECRET', 'KONA_METRICS_TOKEN', 'KONA_DISPATCHER_TOKEN', 'KONA_TRIAGE_DATABASE_URL', 'KONA_TRIAGE_TOKEN', 'KONA_TRIAGE_BASIC_AUTH']);

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`KONA_CONFIG_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch {
    throw new ConfigError([`KONA_CONFIG_FILE: ${file} must be a JSON object of settings, e.g. {"KONA_PORT": 3000}`]);
  }
}

/** Reads settings from the optional JSON file and the environment (the environment wins). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const fromFile = env.KONA_CONFIG_FILE ? readConfigFile(env.KONA_CONFIG_FILE) : {};
  const known = new Set(Object.keys(settingsSchema.shape));
  const unknownKeys = Object.keys(fromFile).filter((k) => !known.has(k));
  const merged: Record<string, unknown> = { ...fromFile };
  for (const key of known) {
    const value = env[key];
    if (value !== undefined && value !== '') merged[key] = value;
  }
  const result = settingsSchema.safeParse(merged);
  const problems = unknownKeys.map((k) => `${k}: not a Kona setting (in KONA_CONFIG_FILE)`);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const name = String(issue.path[0] ?? 'settings');
      problems.push(`${name}: ${issue.message} (got ${secretSettings.has(name) ? 'a value, not shown' : JSON.stringify(merged[name])})`);
    }
  }
  if (result.success && result.data.KONA_DISPATCHER_CONFIG && result.data.KONA_DISPATCHER_URL) {
    problems.push('KONA_DISPATCHER_URL: set either it (a separate dispatcher) or KONA_DISPATCHER_CONFIG (one in-process), not both');
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return resolveConfig(result.data);
}

function resolveConfig(settings: Settings): Config {
  const dataDir = path.resolve(settings.KONA_DATA_DIR);
  const publicUrl = new URL(settings.KONA_PUBLIC_URL ?? `http://localhost:${settings.KONA_PORT}`);
  return {
    settings,
    dataDir,
    uploadsDir: path.join(dataDir, 'uploads'),
    outboxDir: path.join(dataDir, 'outbox'),
    backupDir: path.resolve(settings.KONA_BACKUP_DIR ?? path.join(path.dirname(dataDir), 'backups')),
    publicUrl,
    secureCookies: publicUrl.protocol === 'https:',
    embeddedControlPlane: settings.KONA_CONTROL_DATABASE_URL === undefined,
  };
}
