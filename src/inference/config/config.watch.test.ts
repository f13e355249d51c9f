import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DispatcherConfig } from '../types.js';
import type { ConfigDiff } from './config.diff.js';
import { DispatcherConfigError } from './config.load.js';
import { ConfigWatcher } from './config.watch.js';

const fleet = (sharedTier: string, extra: object = {}) => ({
  backends: [
    { name: 'gpu-5090', baseUrl: 'http://10.0.0.5:8000', kind: 'vllm', tier: 'dedicated', models: ['m'], slots: 8 },
    { name: 'gpu-pro6000', baseUrl: 'http://192.168.1.20:8080', kind: 'llamacpp', tier: sharedTier, models: ['m'], slots: 4, ...extra },
  ],
});

/** Resolves with the next value a subscription delivers; generous timeout for a loaded machine. */
function next<T>(subscribe: (cb: (value: T) => void) => () => void, timeoutMs = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error('no event from the watcher'));
    }, timeoutMs);
    const stop = subscribe((value) => {
      clearTimeout(timer);
      stop();
      resolve(value);
    });
  });
}

describe('ConfigWatcher', () => {
  let dir: string;
  let file: string;
  let watcher: ConfigWatcher | undefined;
  const write = (value: unknown) => writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kona-dispatcher-watch-'));
    file = path.join(dir, 'dispatcher.json');
    write(fleet('shared'));
  });
  afterEach(() => {
    watcher?.close();
    watcher = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const changes = (w: ConfigWatcher) => (cb: (v: { config: DispatcherConfig; diff: ConfigDiff }) => void) =>
    w.onChange((config, diff) => cb({ config, diff }));

  it('refuses to start on a bad file', () => {
    write(fleet('platinum'));
    expect(() => new ConfigWatcher(file)).toThrow(DispatcherConfigError);
  });

  it('applies a promotion shared → dedicated when the file is edited in place', async () => {
    watcher = new ConfigWatcher(file, { debounceMs: 20 });
    watcher.start();
    const applied = next(changes(watcher));
    write(fleet('dedicated'));
    const { config, diff } = await applied;
    expect(diff.changed.map((c) => [c.name, c.fields])).toEqual([['gpu-pro6000', ['tier']]]);
    expect(config.backends[1]?.tier).toBe('dedicated');
    expect(watcher.current.backends[1]?.tier).toBe('dedicated');
  });

  it('follows an editor that saves by renaming a new file over the old one', async () => {
    watcher = new ConfigWatcher(file, { debounceMs: 20 });
    watcher.start();
    const first = next(changes(watcher));
    const tmp = path.join(dir, '.dispatcher.json.swp');
    writeFileSync(tmp, JSON.stringify(fleet('dedicated')));
    renameSync(tmp, file);
    expect((await first).config.backends[1]?.tier).toBe('dedicated');
    // The watch survives the replacement: a second save is seen too.
    const second = next(changes(watcher));
    writeFileSync(tmp, JSON.stringify(fleet('dedicated', { slots: 6 })));
    renameSync(tmp, file);
    expect((await second).diff.changed[0]?.fields).toEqual(['slots']);
  });

  it('keeps the old configuration when the new file is bad, says why, and never logs its secrets', async () => {
    const warnings: object[] = [];
    const logger = { info: () => {}, warn: (obj: object) => warnings.push(obj) };
    watcher = new ConfigWatcher(file, { debounceMs: 20, logger });
    const before = watcher.current;
    let applied = 0;
    watcher.onChange(() => applied++);
    watcher.start();
    const rejected = next<string[]>((cb) => watcher!.onReject(cb));
    write(fleet('dedicated', { baseUrl: 'http://ops:t0psecret@8.8.8.8:8000' }));
    const problems = await rejected;
    expect(problems).toContain('backends[1].baseUrl: must not contain a user name or password; credentials do not belong in this file');
    expect(problems.some((p) => p.includes('refused by the privacy guard'))).toBe(true);
    expect(watcher.current).toBe(before);
    expect(applied).toBe(0);
    expect(JSON.stringify(warnings)).not.toContain('t0psecret');
    expect(warnings.length).toBeGreaterThan(0);

    // Fixing the file applies it: the bad save left nothing behind.
    const fixed = next(changes(watcher));
    write(fleet('dedicated'));
    expect((await fixed).config.backends[1]?.tier).toBe('dedicated');
  });

  it('reloads on demand without a watch, reporting applied, unchanged and rejected', () => {
    watcher = new ConfigWatcher(file);
    const seen: string[] = [];
    watcher.onChange((_config, diff) => seen.push(diff.changed.map((c) => c.name).join()));
    expect(watcher.reload()).toEqual({ status: 'unchanged' });
    write(fleet('dedicated'));
    const result = watcher.reload();
    expect(result.status).toBe('applied');
    expect(seen).toEqual(['gpu-pro6000']);
    write('{ not json');
    expect(watcher.reload()).toEqual({ status: 'rejected', problems: [expect.stringMatching(/not valid JSON/)] });
    rmSync(file);
    expect(watcher.reload()).toEqual({ status: 'rejected', problems: ['(file): cannot be read (ENOENT)'] });
    expect(watcher.current.backends[1]?.tier).toBe('dedicated');
    expect(seen).toHaveLength(1);
  });

  it('reloads on SIGHUP when the service wires it so', async () => {
    watcher = new ConfigWatcher(file);
    const w = watcher;
    const onHup = () => w.reload();
    process.on('SIGHUP', onHup);
    try {
      const applied = next(changes(w));
      write(fleet('dedicated'));
      process.kill(process.pid, 'SIGHUP');
      expect((await applied).config.backends[1]?.tier).toBe('dedicated');
    } finally {
      process.off('SIGHUP', onHup);
    }
  });

  it('keeps notifying other listeners when one throws', () => {
    watcher = new ConfigWatcher(file);
    let reached = false;
    watcher.onChange(() => {
      throw new Error('listener bug');
    });
    watcher.onChange(() => {
      reached = true;
    });
    write(fleet('overflow'));
    expect(watcher.reload().status).toBe('applied');
    expect(reached).toBe(true);
  });
});
