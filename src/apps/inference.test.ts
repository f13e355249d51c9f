import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DispatcherClient } from '../inference/client.js';
import { quickTiming } from '../inference/dispatcher/dispatcher.testing.js';
import { startSimBackend, type RunningSimBackend } from '../inference/simulator/server.js';
import { loadConfig } from '../platform/config/config.js';
import { packageRoot } from '../platform/runtime/paths.js';
import { startInference } from './inference.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const cliJs = path.join(packageRoot(), 'dist/src/apps/cli.js');
let sim: RunningSimBackend;
let dir: string;
let configFile: string;
const quiet = pino({ level: 'silent' });

function writeConfig(tier: 'dedicated' | 'shared', extra: object = {}): void {
  writeFileSync(configFile, JSON.stringify({
    backends: [{ name: 'gpu', baseUrl: sim.url, kind: 'vllm', tier, models: ['m'], slots: 2 }],
    probe: { intervalMs: 500, timeoutMs: 400 },
    ...extra,
  }));
}

beforeAll(async () => {
  sim = await startSimBackend({ timing: quickTiming, modelName: 'm' });
  dir = mkdtempSync(path.join(tmpdir(), 'kona-inference-'));
  configFile = path.join(dir, 'dispatcher.json');
  writeConfig('shared');
});

afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('inference inside Kona', () => {
  it('runs the dispatcher in-process from KONA_DISPATCHER_CONFIG and gives features a working client', async () => {
    const inference = await startInference(loadConfig({ KONA_DISPATCHER_CONFIG: configFile }), quiet);
    try {
      expect(inference.mode).toBe('in-process');
      const answer = await inference.client!.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 3 }, { tenant: 'happy-tails' });
      expect(answer.choices[0]?.message.content).toBeTruthy();
      // Its metrics are handed over for Kona's own /metrics (the loopback port is not scraped).
      expect(await inference.registry!.metrics()).toMatch(/kona_dispatcher_requests_total\{class="interactive",outcome="ok"\} 1/);
    } finally {
      await inference.close();
    }
  });

  it('points at a separate dispatcher with KONA_DISPATCHER_URL, and is off with neither', async () => {
    const service = await startInference(loadConfig({ KONA_DISPATCHER_URL: 'http://127.0.0.1:9' }), quiet);
    expect(service.mode).toBe('service');
    expect(service.client).toBeInstanceOf(DispatcherClient);
    const off = await startInference(loadConfig({}), quiet);
    expect([off.mode, off.client]).toEqual(['off', undefined]);
    expect(() => loadConfig({ KONA_DISPATCHER_URL: 'http://127.0.0.1:9', KONA_DISPATCHER_CONFIG: configFile })).toThrow(/either/);
  });

  it('`kona dispatcher` serves, reloads on SIGHUP, refuses a bad file with the reason and stops on SIGTERM', async () => {
    writeConfig('shared');
    const child = spawn(process.execPath, [cliJs, 'dispatcher', '--config', configFile, '--port', '0'], {
      env: { PATH: process.env.PATH, KONA_LOG_LEVEL: 'warn', KONA_DISPATCHER_TOKEN: 'a-long-dispatcher-token' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed:\n${out}`)), 30_000);
        child.stdout.on('data', () => {
          const m = /serving at (\S+)/.exec(out);
          if (m) { clearTimeout(timer); resolve(m[1]!); }
        });
      });
      const client = new DispatcherClient({ baseUrl: url, token: 'a-long-dispatcher-token' });
      expect((await client.status()).backends[0]?.tier).toBe('shared');
      // Promote the shared GPU to dedicated and tell the process.
      writeConfig('dedicated');
      child.kill('SIGHUP');
      await expect.poll(async () => (await client.status()).backends[0]?.tier, { timeout: 10_000 }).toBe('dedicated');
      // A bad file is refused; the configuration in force stays.
      writeFileSync(configFile, JSON.stringify({ backends: [{ name: 'gpu', baseUrl: 'http://203.0.113.9:8000', kind: 'vllm', tier: 'shared', models: ['m'], slots: 2 }] }));
      child.kill('SIGHUP');
      await expect.poll(() => out, { timeout: 10_000 }).toMatch(/dispatcher config refused/);
      expect((await client.status()).backends[0]?.baseUrl).toBe(sim.url);
      expect((await client.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 })).choices).toHaveLength(1);
    } finally {
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('`kona dispatcher` with a bad file exits 1 naming the problem', async () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ backends: [{ name: 'gpu', baseUrl: sim.url, kind: 'vllm', tier: 'shared', models: ['m'], slot: 2 }] }));
    const child = spawn(process.execPath, [cliJs, 'dispatcher', '--config', bad, '--port', '0'], { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(1);
    expect(err).toContain('backends[0].slot: not a known setting');
  });
});
