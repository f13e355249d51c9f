/** Helpers shared by the dispatcher's HTTP tests (not a test file itself): a fleet of simulated backends and a dispatcher in front. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../platform/clock/clock.testing.js';
import { dispatcherConfigSchema } from '../config/config.schema.js';
import { startSimBackend, type RunningSimBackend, type SimBackendOptions } from '../simulator/server.js';
import type { DispatcherConfig } from '../types.js';
import type { DispatcherStatus } from './dispatcher.js';
import { startDispatcherServer, type DispatcherServerOptions, type RunningDispatcher } from './server.js';

/** Quick simulated GPU timing for tests: 2 slots, 2 ms per token. */
export const quickTiming = { slots: 2, baseStepMs: 2, alpha: 0.1, prefillMsPerToken: 0.01, kvTokenBudget: 10_000 };

/** A running fleet: simulated backends, a dispatcher over them, and its config file. */
export interface Fleet {
  sims: RunningSimBackend[];
  dispatcher: RunningDispatcher;
  /**
   * The dispatcher's clock (its deadlines, cooldowns, signal staleness, config debounce): it moves
   * only when the test advances it, so no limit runs out on a loaded machine by itself.
   */
  clock: ManualClock;
  configFile: string;
  /** Writes a new configuration file (the watcher or `reload()` picks it up). */
  writeConfig(config: object): void;
  close(): Promise<void>;
}

/** Backend entries for the given sims: the first dedicated, the rest shared; each serving model "m". */
export function backendsFor(sims: RunningSimBackend[], extra: Array<Record<string, unknown>> = []): Array<Record<string, unknown>> {
  return sims.map((s, i) => ({
    name: `b${i}`, baseUrl: s.url, kind: 'vllm', tier: i === 0 ? 'dedicated' : 'shared', models: ['m'], slots: s.model.timing.slots, ...extra[i],
  }));
}

/** Starts `count` simulated backends and a dispatcher over them on a test clock (background probes off unless asked). */
export async function startFleet(opts: {
  count?: number;
  sim?: SimBackendOptions;
  config?: (sims: RunningSimBackend[]) => Record<string, unknown>;
  server?: Partial<DispatcherServerOptions>;
} = {}): Promise<Fleet> {
  const sims = await Promise.all(Array.from({ length: opts.count ?? 2 }, () => startSimBackend({ timing: quickTiming, modelName: 'm', flavour: 'vllm', ...opts.sim })));
  const dir = mkdtempSync(path.join(tmpdir(), 'kona-dispatch-'));
  const configFile = path.join(dir, 'dispatcher.json');
  const writeConfig = (config: object) => writeFileSync(configFile, JSON.stringify(config));
  writeConfig(opts.config?.(sims) ?? {
    backends: backendsFor(sims),
    probe: { intervalMs: 200, timeoutMs: 150 },
    metricsStaleMs: 1000,
    timeouts: { firstTokenMs: 1500, responseMs: 3000, streamIdleMs: 500 },
  });
  const clock = new ManualClock(1_000);
  const dispatcher = await startDispatcherServer({ configFile, defaultMetrics: false, ...opts.server, dispatcher: { monitor: false, clock, ...opts.server?.dispatcher } });
  return {
    sims, dispatcher, clock, configFile, writeConfig,
    async close() {
      const closing = dispatcher.close();
      clock.advance(0); // the close grace (0 ms) runs on the dispatcher's clock
      await closing;
      await Promise.all(sims.map((s) => s.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A parsed configuration object for in-process tests (defaults filled in). */
export function parseConfig(raw: object): DispatcherConfig {
  return dispatcherConfigSchema.parse(raw);
}

/** Posts a chat completion through the dispatcher. */
export function chatVia(d: { url: string }, body: object = {}, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(`${d.url}/v1/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, signal,
    body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hello there' }], max_tokens: 5, ...body }),
  });
}

/** Attempt limits short enough for fault tests to fail over in well under a second. */
export const tightTimeouts = { firstTokenMs: 600, responseMs: 800, streamIdleMs: 300 };

/** A fleet configuration file's content (limits roomy enough for a loaded machine); `overrides` replace top-level keys. */
export function quickConfig(sims: RunningSimBackend[], overrides: Record<string, unknown> = {}, extra: Array<Record<string, unknown>> = []): Record<string, unknown> {
  return {
    backends: backendsFor(sims, extra),
    probe: { intervalMs: 200, timeoutMs: 150 },
    metricsStaleMs: 1000,
    timeouts: { firstTokenMs: 2000, responseMs: 3000, streamIdleMs: 1000 },
    ...overrides,
  };
}

/** Sum of a Prometheus metric's samples whose labels include all of `labels` (0 when none). */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !(line.startsWith(`${name}{`) || line.startsWith(`${name} `))) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) sum += Number(line.split(' ').pop());
  }
  return sum;
}

/** The dispatcher's /metrics text. */
export async function metricsOf(d: { url: string }): Promise<string> {
  return (await fetch(`${d.url}/metrics`)).text();
}

/** The dispatcher's /status document. */
export async function statusOf(d: { url: string }): Promise<DispatcherStatus> {
  return (await (await fetch(`${d.url}/status`)).json()) as DispatcherStatus;
}

/** Completed sequences per simulated backend (no probes run unless a test runs them). */
export function finishedCounts(sims: RunningSimBackend[]): number[] {
  return sims.map((s) => s.model.snapshot().requestsFinishedTotal);
}

/**
 * Polls every backend's /metrics once, by hand, for tests that run without the background monitor.
 * The poller is private to the Dispatcher; reaching it here keeps signal timing under the test's control.
 */
export async function pollSignalsNow(d: RunningDispatcher): Promise<void> {
  await d.dispatcher.signals.pollAll();
}
