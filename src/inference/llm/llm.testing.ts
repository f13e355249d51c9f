/** Helpers for the tests that run the real CPU engine (not a test file itself). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadNodeLlamaCpp } from './engine.js';
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
