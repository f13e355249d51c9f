import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config.js';
import { ConfigError } from '../config/config.js';
import { KeyRing, parseKeyList } from './keyring.js';

/** The secrets a process needs: the PII key ring and the CSRF signing secret. */
export interface Secrets {
  keyRing: KeyRing;
  sessionSecret: string;
  /** Where the keys came from; only generated keys can be rotated by Kona itself. */
  source: 'environment' | 'file' | 'generated';
  /** The generated keys file, when source is 'generated'. */
  generatedFile?: string;
}

interface SecretValues {
  KONA_ENCRYPTION_KEYS?: string;
  KONA_BLIND_INDEX_KEY?: string;
  KONA_SESSION_SECRET?: string;
}

function generated(): Required<SecretValues> {
  return {
    KONA_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    KONA_BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
    KONA_SESSION_SECRET: randomBytes(32).toString('base64url'),
  };
}

function readSecretsFile(file: string): SecretValues {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SecretValues;
  } catch (err) {
    throw new ConfigError([`KONA_KEYS_FILE: cannot read ${file} as JSON (${(err as Error).message})`]);
  }
}

/**
 * Loads keys from the environment, then KONA_KEYS_FILE. On the embedded default with neither,
 * generates them once into `<data>/secrets/keys.json` (mode 0600); a server setup must supply them.
 */
export function loadSecrets(config: Config): Secrets {
  const s = config.settings;
  let values: SecretValues = {
    KONA_ENCRYPTION_KEYS: s.KONA_ENCRYPTION_KEYS,
    KONA_BLIND_INDEX_KEY: s.KONA_BLIND_INDEX_KEY,
    KONA_SESSION_SECRET: s.KONA_SESSION_SECRET,
  };
  let source: Secrets['source'] = 'environment';
  let generatedFile: string | undefined;
  if (s.KONA_KEYS_FILE) {
    values = { ...readSecretsFile(s.KONA_KEYS_FILE), ...definedOnly(values) };
    source = 'file';
  }
  if (!values.KONA_ENCRYPTION_KEYS || !values.KONA_BLIND_INDEX_KEY || !values.KONA_SESSION_SECRET) {
    if (!config.embeddedControlPlane) {
      throw new ConfigError([
        'KONA_ENCRYPTION_KEYS, KONA_BLIND_INDEX_KEY and KONA_SESSION_SECRET: required with a PostgreSQL control plane (set them or KONA_KEYS_FILE; `kona keys generate` prints a set)',
      ]);
    }
    const file = path.join(config.dataDir, 'secrets', 'keys.json');
    if (!existsSync(file)) {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      writeFileSync(file, JSON.stringify(generated(), null, 2), { mode: 0o600, flag: 'wx' });
    }
    values = { ...readSecretsFile(file), ...definedOnly(values) };
    source = 'generated';
    generatedFile = file;
  }
  try {
    return {
      keyRing: new KeyRing(parseKeyList(values.KONA_ENCRYPTION_KEYS!), Buffer.from(values.KONA_BLIND_INDEX_KEY!, 'base64')),
      sessionSecret: values.KONA_SESSION_SECRET!,
      source,
      generatedFile,
    };
  } catch (err) {
    throw new ConfigError([(err as Error).message]);
  }
}

/**
 * Adds a new encryption key to the generated keys file and returns the secrets with it current.
 * Keys supplied by the environment or KONA_KEYS_FILE belong to the operator: Kona never edits them.
 */
export function addGeneratedKey(secrets: Secrets): Secrets {
  if (secrets.source !== 'generated' || !secrets.generatedFile) {
    throw new Error('The keys come from the environment or KONA_KEYS_FILE: add a new id:key at the end of KONA_ENCRYPTION_KEYS, restart, then run `kona keys rotate` to re-encrypt.');
  }
  const file = secrets.generatedFile;
  const values = readSecretsFile(file);
  const entries = parseKeyList(values.KONA_ENCRYPTION_KEYS!);
  const next = `k${entries.length + 1}`;
  values.KONA_ENCRYPTION_KEYS = `${values.KONA_ENCRYPTION_KEYS},${next}:${randomBytes(32).toString('base64')}`;
  // Write beside, then rename: a crash mid-write never leaves a keys file that loses old keys.
  writeFileSync(`${file}.new`, JSON.stringify(values, null, 2), { mode: 0o600 });
  renameSync(`${file}.new`, file);
  return {
    ...secrets,
    keyRing: new KeyRing(parseKeyList(values.KONA_ENCRYPTION_KEYS), Buffer.from(values.KONA_BLIND_INDEX_KEY!, 'base64')),
  };
}

/**
 * The key values this process runs with (environment, KONA_KEYS_FILE or the generated file), in the
 * shape of KONA_KEYS_FILE: what `kona keys export` writes for the operator to keep apart from backups.
 */
export function secretValues(config: Config): Required<SecretValues> {
  const secrets = loadSecrets(config);
  const s = config.settings;
  const fromFile = secrets.generatedFile ? readSecretsFile(secrets.generatedFile) : s.KONA_KEYS_FILE ? readSecretsFile(s.KONA_KEYS_FILE) : {};
  const values = { ...fromFile, ...definedOnly({ KONA_ENCRYPTION_KEYS: s.KONA_ENCRYPTION_KEYS, KONA_BLIND_INDEX_KEY: s.KONA_BLIND_INDEX_KEY, KONA_SESSION_SECRET: s.KONA_SESSION_SECRET }) };
  return { KONA_ENCRYPTION_KEYS: values.KONA_ENCRYPTION_KEYS!, KONA_BLIND_INDEX_KEY: values.KONA_BLIND_INDEX_KEY!, KONA_SESSION_SECRET: values.KONA_SESSION_SECRET! };
}

/** A fresh set of secrets, as `kona keys generate` prints them. */
export function generateSecrets(): Required<SecretValues> {
  return generated();
}

function definedOnly(v: SecretValues): SecretValues {
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) as SecretValues;
}
