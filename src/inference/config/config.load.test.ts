import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkDispatcherConfig, DispatcherConfigError, loadDispatcherConfig } from './config.load.js';

const exampleFile = fileURLToPath(new URL('../../../deploy/dispatcher.example.json', import.meta.url));

const validBackend = () => ({ name: 'gpu-a', baseUrl: 'http://10.0.0.5:8000/', kind: 'vllm', tier: 'dedicated', models: ['m'], slots: 4 });

/** The problems a value is refused for (fails the test if it is accepted). */
function problemsOf(raw: unknown): string[] {
  const check = checkDispatcherConfig(raw);
  if (check.ok) throw new Error('expected the configuration to be refused');
  return check.problems;
}

describe('loadDispatcherConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kona-dispatcher-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (text: string) => {
    const file = path.join(dir, 'dispatcher.json');
    writeFileSync(file, text);
    return file;
  };

  it('loads the example file: one dedicated and one shared backend on private addresses', () => {
    const config = loadDispatcherConfig(exampleFile);
    expect(config.backends.map((b) => [b.name, b.tier])).toEqual([['gpu-5090', 'dedicated'], ['gpu-pro6000', 'shared']]);
    expect(config.backends[0]).toMatchObject({ weight: 1, onSite: false, slots: 8 });
    expect(config.backends[1]?.weight).toBe(0.5);
    expect(config.probe).toEqual({ intervalMs: 2000, timeoutMs: 1500 });
  });

  it('fills defaults and drops a trailing slash from the base URL', () => {
    const config = loadDispatcherConfig(write(JSON.stringify({ backends: [validBackend()] })));
    expect(config.backends[0]?.baseUrl).toBe('http://10.0.0.5:8000');
    expect(config.classes.interactive.deadlineMs).toBeLessThan(config.classes.batch.deadlineMs);
    expect(config.classes.batch.maxQueued).toBeGreaterThan(config.classes.interactive.maxQueued);
    expect(config.metricsStaleMs).toBeGreaterThanOrEqual(config.probe.intervalMs);
  });

  it('refuses bad JSON without quoting the file', () => {
    const file = write('{ "backends": [ { "baseUrl": "http://user:hunter2@10.0.0.5" }, ] }');
    let error: unknown;
    try {
      loadDispatcherConfig(file);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DispatcherConfigError);
    expect((error as Error).message).toMatch(/not valid JSON/);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('refuses a missing file with the reason', () => {
    expect(() => loadDispatcherConfig(path.join(dir, 'absent.json'))).toThrow(/cannot be read \(ENOENT\)/);
  });

  it('lists every problem of a file in one message, each with its path', () => {
    const file = write(JSON.stringify({ backends: [validBackend(), { name: 'gpu-b', baseUrl: 'http://10.0.0.6', kind: 'vllm', tier: 'shared', models: [], slots: 1.5 }] }));
    expect(() => loadDispatcherConfig(file)).toThrow(DispatcherConfigError);
    try {
      loadDispatcherConfig(file);
    } catch (err) {
      expect((err as DispatcherConfigError).problems).toEqual([
        'backends[1].models: must list at least one model',
        'backends[1].slots: must be a whole number ≥ 1',
      ]);
      expect((err as Error).message).toContain('  - backends[1].slots: must be a whole number ≥ 1');
    }
  });
});

describe('checkDispatcherConfig', () => {
  it('reports missing fields as required', () => {
    expect(problemsOf({ backends: [{ name: 'gpu-a', kind: 'vllm', tier: 'dedicated', models: ['m'] }] })).toEqual([
      'backends[0].baseUrl: is required; must be an http(s) URL (text)',
      'backends[0].slots: is required; must be a whole number ≥ 1',
    ]);
    expect(problemsOf({})).toEqual(['backends: is required; must be a list of backends']);
    expect(problemsOf([])).toEqual(['(file): must be a JSON object with a "backends" list']);
  });

  it('reports wrong values: kind, tier, weight, misspelt keys, class limits', () => {
    const problems = problemsOf({
      backends: [{ ...validBackend(), kind: 'triton', tier: 'gold', weight: 0, slot: 3 }],
      classes: { batch: { maxQueued: 0 } },
    });
    expect(problems).toContain('backends[0].kind: must be one of vllm, llamacpp, ollama, tgi, openai, embedder');
    expect(problems).toContain('backends[0].tier: must be one of dedicated, shared, overflow');
    expect(problems).toContain('backends[0].weight: must be a number > 0');
    expect(problems).toContain('backends[0].slot: not a known setting (misspelt?)');
    expect(problems).toContain('classes.batch.maxQueued: must be a whole number ≥ 1');
  });

  it('refuses duplicate names, naming the first use', () => {
    expect(problemsOf({ backends: [validBackend(), { ...validBackend(), baseUrl: 'http://10.0.0.6' }] })).toEqual([
      'backends[1].name: "gpu-a" is already used by backends[0]; names must be unique',
    ]);
  });

  it('refuses credentials, other schemes and a /v1 suffix in the base URL without echoing it', () => {
    const problems = problemsOf({
      backends: [
        { ...validBackend(), name: 'a', baseUrl: 'http://admin:s3cret@10.0.0.5:8000' },
        { ...validBackend(), name: 'b', baseUrl: 'ftp://10.0.0.6' },
        { ...validBackend(), name: 'c', baseUrl: 'http://10.0.0.7:8000/v1' },
        { ...validBackend(), name: 'd', baseUrl: 'not a url' },
      ],
    });
    expect(problems).toEqual([
      'backends[0].baseUrl: must not contain a user name or password; credentials do not belong in this file',
      'backends[1].baseUrl: must use http or https (got ftp)',
      'backends[2].baseUrl: must be the server root without /v1 (the dispatcher adds /v1/... itself)',
      'backends[3].baseUrl: must be an absolute http:// or https:// URL, e.g. http://10.0.0.5:8000',
    ]);
    expect(problems.join('\n')).not.toContain('s3cret');
  });

  it('refuses a public backend at load, and accepts it when declared onSite', () => {
    const cloud = { ...validBackend(), name: 'cloud-gpu', baseUrl: 'https://203.0.113.7' };
    const problems = problemsOf({ backends: [validBackend(), cloud] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^backends\[1\]\.baseUrl: backend "cloud-gpu" refused by the privacy guard: its host 203\.0\.113\.7 is a public address/);
    const check = checkDispatcherConfig({ backends: [validBackend(), { ...cloud, onSite: true }] });
    expect(check.ok && check.config.backends[1]?.onSite).toBe(true);
  });

  it('reports the privacy refusal together with schema problems', () => {
    const problems = problemsOf({ backends: [{ ...validBackend(), slots: 0, baseUrl: 'http://gpu.example.org' }] });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toBe('backends[0].slots: must be a whole number ≥ 1');
    expect(problems[1]).toMatch(/backends\[0\]\.baseUrl: .*host name/);
  });

  it('checks probe timing against the interval and the staleness bound', () => {
    expect(problemsOf({ backends: [validBackend()], probe: { intervalMs: 1000, timeoutMs: 1000 }, metricsStaleMs: 500 })).toEqual([
      'probe.timeoutMs: must be less than probe.intervalMs (1000)',
      'metricsStaleMs: must be at least probe.intervalMs (1000)',
    ]);
  });
});
