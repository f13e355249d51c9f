/** Helpers for the tests that run the real CPU engine (not a test file itself). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../platform/clock/clock.testing.js';
import { startDispatcherServer, type RunningDispatcher } from '../dispatcher/server.js';
import { loadNodeLlamaCpp } from './engine.js';
import { startLlmServer, type RunningLlmServer } from './server.js';
import { tinyModelGguf } from './tiny-model.js';

/**
 * Whether the real-engine tests are switched off by hand (`KONA_SKIP_LLM_TESTS=1`). Without that,
 * a machine lacking node-llama-cpp fails those tests with the install command: CI installs it, so
 * a missing engine is a broken setup, never a silent skip.
 */
export const skipLlmTests = process.env.KONA_SKIP_LLM_TESTS === '1';

/** Throws the clear "not installed; run …" error when node-llama-cpp is missing. */
export async function requireNodeLlamaCpp(): Promise<void> {
  await loadNodeLlamaCpp();
}

let cached: { dir: string; file: string } | undefined;

/** The tiny model written once per test file into a temp dir; `removeTinyModel` deletes it. */
export function tinyModelFile(): string {
  if (!cached) {
    const dir = mkdtempSync(path.join(tmpdir(), 'kona-tiny-gguf-'));
    const file = path.join(dir, 'kona-tiny.gguf');
    writeFileSync(file, tinyModelGguf());
    cached = { dir, file };
  }
  return cached.file;
}

/** Removes the tiny model's temp dir. */
export function removeTinyModel(): void {
  if (cached) rmSync(cached.dir, { recursive: true, force: true });
  cached = undefined;
}

/** The tiny model served in-process by llm-serve's code, behind a real dispatcher as a `llamacpp` backend. */
export interface TinyModelFleet {
  llm: RunningLlmServer;
  dispatcher: RunningDispatcher;
  close(): Promise<void>;
}

/**
 * Writes a tiny model (a longer context than the default and leaning towards JSON's closers, so a
 * feature's prompt fits and its answers end within their budgets as a real model's would), serves
 * it as `modelName`, and starts a dispatcher over it whose limits run on a test clock (a loaded
 * machine cannot time them out).
 */
export async function startTinyModelFleet(opts: { modelName: string; contextLength?: number; closers?: number }): Promise<TinyModelFleet> {
  const contextLength = opts.contextLength ?? 8192;
  const dir = mkdtempSync(path.join(tmpdir(), 'kona-tiny-fleet-'));
  const clock = new ManualClock(1_000);
  let llm: RunningLlmServer | undefined;
  try {
    const modelPath = path.join(dir, 'kona-tiny.gguf');
    writeFileSync(modelPath, tinyModelGguf({ contextLength, closers: opts.closers ?? 0.9 }));
    llm = await startLlmServer({ modelPath, threads: 1, contextSize: contextLength, slots: 1, modelName: opts.modelName });
    const configFile = path.join(dir, 'dispatcher.json');
    writeFileSync(configFile, JSON.stringify({
      backends: [{ name: 'cpu', baseUrl: llm.url, kind: 'llamacpp', tier: 'dedicated', models: [opts.modelName], slots: 1 }],
      probe: { intervalMs: 2000, timeoutMs: 1000 },
      reserve: { drafting: 0, batch: 0 },
      timeouts: { firstTokenMs: 60_000, responseMs: 60_000, streamIdleMs: 60_000 },
    }));
    const dispatcher = await startDispatcherServer({ configFile, defaultMetrics: false, dispatcher: { monitor: false, clock } });
    const running = llm;
    return {
      llm: running, dispatcher,
      async close() {
        const closing = dispatcher.close();
        clock.advance(0); // the close grace runs on the dispatcher's clock
        await closing;
        await running.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await llm?.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
