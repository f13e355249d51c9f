/**
 * Part 4 of bench:dispatcher: health probes on under saturation (issue 14). Two simulated backends
 * as `kona sim-backend --slots 4` runs them (default timing), 16 batch clients each sending its next
 * request when the last is answered, so the dispatcher keeps every slot full; the real clock, the
 * background probes and signal polling on, default probe cadence. Counts breaker openings: every one
 * is false, since both backends stay healthy throughout.
 */
import { dispatcherConfigSchema } from '../src/inference/config/config.schema.js';
import { startDispatcherServer, type RunningDispatcher } from '../src/inference/dispatcher/server.js';
import { startSimBackend, type SimBackendOptions } from '../src/inference/simulator/server.js';

/** What the saturation run reports. */
export interface SaturationResult {
  durationMs: number;
  clients: number;
  slotsPerBackend: number;
  probe: { intervalMs: number; timeoutMs: number };
  /** Breaker openings on the healthy backends (all false). */
  falseBreakerOpens: number;
  completed: number;
  failed: number;
  /** Probe rounds per canary decision (sent: idle, stalled, not closed; skipped: progressing, not due). */
  canaryDecisions: Record<string, number>;
}

const sim: SimBackendOptions = { modelName: 'm', flavour: 'vllm', timing: { slots: 4 } };
// About 100 decode steps of 20 ms: each request holds a slot ~2 s, longer than the probe timeout.
const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'Summarise this intake note.' }], max_tokens: 100 });

async function samples(d: RunningDispatcher, name: string): Promise<Array<{ labels: Record<string, string | number>; value: number }>> {
  const m = (await d.metrics.registry.getMetricsAsJSON()).find((x) => x.name === name);
  return (m?.values ?? []).map((v) => ({ labels: v.labels as Record<string, string | number>, value: Number(v.value) }));
}

/** Runs the saturation case for `durationMs`. */
export async function runSaturation(opts: { durationMs: number; clients?: number }): Promise<SaturationResult> {
  const clients = opts.clients ?? 16;
  const sims = [await startSimBackend(sim), await startSimBackend(sim)];
  const config = dispatcherConfigSchema.parse({
    backends: sims.map((x, i) => ({ name: `b${i}`, baseUrl: x.url, kind: 'vllm', tier: i === 0 ? 'dedicated' : 'shared', models: ['m'], slots: 4 })),
    // No class reserve: batch alone is to fill every slot (the point of the run), which the reserve would keep 2 of free.
    reserve: { drafting: 0, batch: 0 },
  });
  const d = await startDispatcherServer({ config, dispatcher: { monitor: true }, defaultMetrics: false });
  let completed = 0, failed = 0;
  const until = performance.now() + opts.durationMs;
  const loop = async (i: number) => {
    while (performance.now() < until) {
      const res = await fetch(`${d.url}/v1/chat/completions`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-kona-priority': 'batch', 'x-kona-tenant': `r${i % 4}` }, body,
      }).catch(() => undefined);
      const ok = res?.status === 200;
      await res?.arrayBuffer().catch(() => undefined);
      if (ok) completed++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, i) => loop(i)));
  const opens = (await samples(d, 'kona_dispatcher_breaker_transitions_total')).filter((s) => s.labels.to === 'open').reduce((a, s) => a + s.value, 0);
  const canaryDecisions: Record<string, number> = {};
  for (const s of await samples(d, 'kona_dispatcher_probe_canaries_total')) {
    const k = String(s.labels.decision);
    canaryDecisions[k] = (canaryDecisions[k] ?? 0) + s.value;
  }
  await d.close();
  await Promise.all(sims.map((x) => x.close()));
  return { durationMs: opts.durationMs, clients, slotsPerBackend: 4, probe: config.probe, falseBreakerOpens: opens, completed, failed, canaryDecisions };
}
