import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { describeSettings } from './config.schema.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kona-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('runs on defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config.settings.KONA_PORT).toBe(3000);
    expect(config.embeddedControlPlane).toBe(true);
    expect(config.secureCookies).toBe(false);
    expect(config.dataDir).toBe(path.resolve('./data'));
  });

  it('names a wrong setting and says what is expected', () => {
    const problems = problemsOf({ KONA_PORT: 'eighty', KONA_CONTROL_DATABASE_URL: 'mysql://x' });
    expect(problems.find((p) => p.startsWith('KONA_PORT:'))).toMatch(/number/);
    expect(problems.find((p) => p.startsWith('KONA_CONTROL_DATABASE_URL:'))).toMatch(/postgres:\/\//);
  });

  it('refuses a log level it does not know', () => {
    expect(problemsOf({ KONA_LOG_LEVEL: 'loud' })[0]).toMatch(/^KONA_LOG_LEVEL: .*"fatal"/);
  });

  it('reads a JSON file and lets the environment win', () => {
    const file = path.join(dir, 'kona.json');
    writeFileSync(file, JSON.stringify({ KONA_PORT: 4100, KONA_LOG_LEVEL: 'warn' }));
    const config = loadConfig({ KONA_CONFIG_FILE: file, KONA_LOG_LEVEL: 'debug' });
    expect(config.settings.KONA_PORT).toBe(4100);
    expect(config.settings.KONA_LOG_LEVEL).toBe('debug');
  });

  it('refuses unknown keys and unreadable files by name', () => {
    const file = path.join(dir, 'typo.json');
    writeFileSync(file, JSON.stringify({ KONA_PROT: 1 }));
    expect(problemsOf({ KONA_CONFIG_FILE: file })).toEqual(['KONA_PROT: not a Kona setting (in KONA_CONFIG_FILE)']);
    expect(problemsOf({ KONA_CONFIG_FILE: path.join(dir, 'missing.json') })[0]).toMatch(/KONA_CONFIG_FILE: cannot read/);
  });

  it('turns an https public URL into secure cookies', () => {
    expect(loadConfig({ KONA_PUBLIC_URL: 'https://kona.example.org' }).secureCookies).toBe(true);
  });

  it('documents every setting', () => {
    const docs = describeSettings();
    expect(docs.length).toBeGreaterThan(10);
    for (const d of docs) expect(d.description, d.name).not.toBe('');
  });
});
