import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { vi } from 'vitest';
import { serve } from '../../src/apps/web.js';
import type { Clock } from '../../src/platform/clock/clock.js';
import { loadConfig } from '../../src/platform/config/config.js';
import { createLogger } from '../../src/platform/logging/logger.js';
import { removeTestDirs, testEnv } from './app.js';

/** The real server (`kona serve` with the demo rescue) on a free port of 127.0.0.1. */
export interface DemoServer {
  /** Base URL on 127.0.0.1, without a trailing slash. */
  url: string;
  /** The demo admin's credentials, as serve() printed them. */
  demo: { email: string; password: string };
  /** Its data directory (the admin socket lives there). */
  dataDir: string;
  /** Stops the server and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * Starts `serve()` in-process with the demo rescue on a fresh data directory. serve() prints the
 * demo password to the terminal once; it is read from there and kept out of the test output.
 * `options.clock` is the time the served app judges by (a test that needs days to pass moves it).
 */
export async function serveDemo(env: Record<string, string> = {}, options: { clock?: Clock } = {}): Promise<DemoServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kona-browser-'));
  let server: { url: string; stop(): Promise<void> } | undefined;
  let printed = '';
  try {
    const config = loadConfig(testEnv(dataDir, { KONA_PORT: '0', KONA_HOST: '127.0.0.1', KONA_DEMO: 'true', ...env }));
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed += String(chunk);
      return true;
    });
    try {
      server = await serve(config, createLogger('silent'), options);
    } finally {
      write.mockRestore();
    }
    const match = /as (\S+) with password (\S+)/.exec(printed);
    if (!match) throw new Error(`serve() printed no demo credentials: ${printed}`);
    const started = server;
    return {
      url: new URL(started.url.replace('localhost', '127.0.0.1')).origin,
      demo: { email: match[1]!, password: match[2]! },
      dataDir,
      stop: async () => {
        await started.stop();
        removeTestDirs(dataDir);
      },
    };
  } catch (err) {
    await server?.stop();
    removeTestDirs(dataDir);
    throw err;
  }
}
