/**
 * bench:dispatcher, part 3: failover under load. Two simulated GPU backends behind the real
 * dispatcher with background probes on; a steady open-loop stream of non-streamed chat requests;
 * the dedicated backend (the one taking the work) dies (closes its port) or hangs (completions
 * never answer while /health stays green), and later comes back on the same port. Measured: what
 * the clients saw, how long until its breaker opened, and how long until it took requests again.
 * Everything runs in this process: the figures are times of seconds, not of microseconds.
 */
import { dispatcherConfigSchema } from '../src/inference/config/config.schema.js';
import { startDispatcherServer, type RunningDispatcher } from '../src/inference/dispatcher/server.js';
import type { BreakerTransition } from '../src/inference/health/breaker.js';
import { percentile } from '../src/inference/scheduler/des.js';
import { startSimBackend, type RunningSimBackend, type SimBackendOptions } from '../src/inference/simulator/server.js';

/** How to run one failover case. */
export interface FailoverSettings {
  mode: 'dies' | 'hangs';
  ratePerS: number;
  durationMs: number;
  failAtMs: number;
  restoreAtMs: number;
  probeIntervalMs: number;
}

/** What one failover case measured (times in ms from the start of the load unless said otherwise). */
export interface FailoverResult extends FailoverSettings {
  sent: number;
  succeeded: number;
  failed: number;
  failedByStatus: Record<string, number>;
  latencyMs: { p50: number; p99: number; max: number };
  retries: number;
  failovers: number;
  /** Fault → the failed backend's breaker open (ms), and the same in probe intervals. */
  detectMs: number | null;
  detectIntervals: number | null;
  /** What opened the breaker first: a failed probe ('probe') or failed requests ('error', 'timeout', 'stall'). */
  detectedBy: string | null;
  /** Restore → breaker closed again (ms), and → closed with requests in flight on it again. */
  closedAfterRestoreMs: number | null;
  recoverMs: number | null;
  transitions: Array<{ atMs: number; from: string; to: string; cause: string }>;
}

// Realistic shape, fast: 8 slots, 5 ms per decode step, 16 output tokens ≈ 0.1 s per request.
const sim: SimBackendOptions = {
  modelName: 'm', flavour: 'vllm',
  timing: { slots: 8, baseStepMs: 5, alpha: 0.1, prefillMsPerToken: 0.01, kvTokenBudget: 100_000 },
};
const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'Draft a short thank-you note to a foster.' }], max_tokens: 16 });
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function counter(d: RunningDispatcher, name: string): Promise<number> {
  const m = (await d.metrics.registry.getMetricsAsJSON()).find((x) => x.name === name);
  return (m?.values ?? []).reduce((a, v) => a + Number(v.value), 0);
}

/** Runs one case: load, fault at failAtMs, restore at restoreAtMs, load until durationMs. */
export async function runFailover(s: FailoverSettings): Promise<FailoverResult> {
  const sims: RunningSimBackend[] = [await startSimBackend(sim), await startSimBackend(sim)];
  const victimPort = Number(new URL(sims[0]!.url).port);
  const config = dispatcherConfigSchema.parse({
    backends: sims.map((x, i) => ({ name: `b${i}`, baseUrl: x.url, kind: 'vllm', tier: i === 0 ? 'dedicated' : 'shared', models: ['m'], slots: 8 })),
    probe: { intervalMs: s.probeIntervalMs, timeoutMs: Math.round(s.probeIntervalMs * 0.8) },
    metricsStaleMs: s.probeIntervalMs * 2,
    timeouts: { firstTokenMs: 2000, responseMs: 2000, streamIdleMs: 1000 },
  });
  const d = await startDispatcherServer({ config, dispatcher: { monitor: true }, defaultMetrics: false });
  const t0 = performance.now();
  const at = () => performance.now() - t0;
  const transitions: FailoverResult['transitions'] = [];
  const takingAt: number[] = [];
  // Exact breaker transitions (time and cause): the breaker reports them to the dispatcher through a
  // private callback, wrapped here; a bench-only peek, the service itself is untouched.
  const breaker = d.dispatcher.health.breaker('b0') as unknown as { onTransition?: (t: BreakerTransition) => void } | undefined;
  const inner = breaker?.onTransition;
  if (!breaker || typeof inner !== 'function') throw new Error('cannot observe the breaker of b0');
  breaker.onTransition = (t) => { transitions.push({ atMs: at(), from: t.from, to: t.to, cause: t.cause }); inner(t); };
  // Whether the victim takes requests: the status document's in-flight count, read every 10 ms.
  const watch = setInterval(() => {
    const b = d.dispatcher.status().backends.find((x) => x.name === 'b0');
    if (b?.state === 'closed' && b.inFlight > 0) takingAt.push(at());
  }, 10);
  const outcomes: Array<{ status: number; ms: number }> = [];
  const pending: Promise<void>[] = [];
  let faultAt = NaN, restoreAt = NaN;
  const fault = async () => {
    faultAt = at();
    if (s.mode === 'dies') await sims[0]!.close();
    else sims[0]!.setFaults({ hang: true });
  };
  const restore = async () => {
    restoreAt = at();
    if (s.mode === 'dies') sims[0] = await startSimBackend({ ...sim, port: victimPort });
    else sims[0]!.setFaults({});
  };
  try {
    let faulted = false, restored = false;
    for (let i = 0; ; i++) {
      const due = (i * 1000) / s.ratePerS;
      if (due >= s.durationMs) break;
      if (!faulted && due >= s.failAtMs) { faulted = true; await fault(); }
      if (!restored && due >= s.restoreAtMs) { restored = true; await restore(); }
      const wait = due - at();
      if (wait > 0) await sleep(wait);
      const start = performance.now();
      pending.push(fetch(`${d.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-kona-tenant': 'bench' }, body })
        .then(async (res) => { await res.arrayBuffer(); outcomes.push({ status: res.status, ms: performance.now() - start }); })
        .catch(() => { outcomes.push({ status: 0, ms: performance.now() - start }); }));
    }
    await Promise.all(pending);
    await sleep(200);
  } finally {
    clearInterval(watch);
  }
  const retries = await counter(d, 'kona_dispatcher_retries_total');
  const failovers = await counter(d, 'kona_dispatcher_failovers_total');
  await d.close();
  await Promise.all(sims.map((x) => x.close().catch(() => {})));

  const opened = transitions.find((t) => t.to === 'open' && t.atMs >= faultAt);
  const closed = transitions.find((t) => t.to === 'closed' && t.atMs >= restoreAt);
  const taking = takingAt.find((t) => t >= restoreAt && (closed ? t >= closed.atMs : false));
  const failedByStatus: Record<string, number> = {};
  for (const o of outcomes) if (o.status !== 200) failedByStatus[String(o.status || 'network error')] = (failedByStatus[String(o.status || 'network error')] ?? 0) + 1;
  const ms = outcomes.map((o) => o.ms);
  const r = (n: number) => Math.round(n);
  return {
    ...s,
    sent: outcomes.length,
    succeeded: outcomes.filter((o) => o.status === 200).length,
    failed: outcomes.filter((o) => o.status !== 200).length,
    failedByStatus,
    latencyMs: { p50: r(percentile(ms, 50)), p99: r(percentile(ms, 99)), max: r(Math.max(...ms)) },
    retries, failovers,
    detectMs: opened ? r(opened.atMs - faultAt) : null,
    detectIntervals: opened ? Math.round(((opened.atMs - faultAt) / s.probeIntervalMs) * 100) / 100 : null,
    detectedBy: opened ? opened.cause : null,
    closedAfterRestoreMs: closed ? r(closed.atMs - restoreAt) : null,
    recoverMs: taking !== undefined ? r(taking - restoreAt) : null,
    transitions: transitions.map((t) => ({ ...t, atMs: r(t.atMs) })),
  };
}
