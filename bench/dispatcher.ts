/**
 * npm run bench:dispatcher — the inference dispatcher's benchmark (issue 4), in three parts:
 *   1. routing policies on the discrete-event simulation (dispatcher-des.ts);
 *   2. the dispatcher's added latency in front of an instant backend (dispatcher-latency.ts);
 *   3. failover when one of two backends dies or hangs under load (dispatcher-failover.ts);
 *   4. health probes on under saturation: false breaker opens (dispatcher-saturation.ts).
 * Prints a table and writes bench/results/dispatcher.json. Scale with BENCH_SECONDS (seconds per
 * latency target, default 10), BENCH_DES_REQUESTS (steady requests per load point, default 3000),
 * BENCH_RATES (default "300,500"), BENCH_DES_SECOND_SEED (the robustness check's seed, default 7), BENCH_FAILOVER_SECONDS (per failover case, default 14) and
 * BENCH_SATURATION_SECONDS (default 12).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { priorityClasses } from '../src/inference/types.js';
import { baselineNames, comparePolicies, objectiveMs, type DesResult, type PolicyRow } from './dispatcher-des.js';
import { runFailover, type FailoverResult } from './dispatcher-failover.js';
import { measureAddedLatency, type LatencyResult } from './dispatcher-latency.js';
import { runSaturation, type SaturationResult } from './dispatcher-saturation.js';
import { machineInfo, round } from './web-report.js';

// dist/bench/dispatcher.js → the package root.
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const desRequests = Number(process.env.BENCH_DES_REQUESTS ?? 3000);
const rates = (process.env.BENCH_RATES ?? '300,500').split(',').map(Number);
const failoverSeconds = Number(process.env.BENCH_FAILOVER_SECONDS ?? 14);
const saturationSeconds = Number(process.env.BENCH_SATURATION_SECONDS ?? 12);
const loads = [0.5, 0.8, 1.0, 1.2, 1.5];
/** Load points and a second seed at which the scheduling targets are checked too (not tuned to one point). */
const robustLoads = [1.0, 1.2, 1.5];
const secondSeed = Number(process.env.BENCH_DES_SECOND_SEED ?? 7);
const log = (s: string): void => { process.stdout.write(s); };

const s2 = (ms: number): string => (Number.isFinite(ms) ? (ms / 1000).toFixed(ms < 10_000 ? 2 : 1) : '–');
const cols = (cells: Array<[string, number]>): string => cells.map(([v, w]) => (w < 0 ? v.padEnd(-w) : v.padStart(w))).join('');

function desTable(d: DesResult): string {
  const head = cols([['policy', -30], ['int p50', 8], ['p90', 7], ['p99', 7], ['draft p50', 10], ['p99', 7], ['batch p50', 10], ['p99', 7],
    ['goodput/s i', 12], ['d', 6], ['b', 6], ['all', 6], ['batch/s', 8], ['shed', 7], ['Jain', 7], ['bulk/others batch p50', 23], ['lowest tenant share', 21]]);
  const out = [`Policies on the simulated fleet (TTFT in s; objectives ${priorityClasses.map((c) => `${c} ${objectiveMs[c] / 1000} s`).join(', ')}):`,
    `capacity measured ${d.capacity.measuredPerS} req/s, estimated ${d.capacity.estimatedPerS} req/s; ${d.workload}`,
    `dispatcher: the shipped defaults (class reserve: ${d.reserve.drafting} slots kept free from drafting, ${d.reserve.batch} from batch, per backend; requests weighed in tokens; objective-aware admission: what is projected to miss its class objective is refused with 429, what waited past it dropped, drafting and batch cheapest first); baselines count requests and keep no reserve`,
    'clients: a refused batch request is sent again after its Retry-After (a job queue does), its time to first token counted from its first arrival; a refused interactive or drafting request is lost (the feature takes its simpler path)',
    'goodput: first token within the class objective, per second of the arrival window (all = the three classes); Jain: over tenants of (completed ÷ offered) in that window'];
  for (const load of [...new Set(d.rows.map((r) => r.load))]) {
    out.push('', `${load}× measured capacity (${(d.capacity.measuredPerS * load).toFixed(2)} req/s steady)`, head, '-'.repeat(head.length));
    for (const r of d.rows.filter((x) => x.load === load)) {
      const t = r.ttftMs;
      out.push(cols([[r.policy, -30], [s2(t.interactive.p50), 8], [s2(t.interactive.p90), 7], [s2(t.interactive.p99), 7],
        [s2(t.drafting.p50), 10], [s2(t.drafting.p99), 7], [s2(t.batch.p50), 10], [s2(t.batch.p99), 7],
        [r.goodputPerS.interactive.toFixed(2), 12], [r.goodputPerS.drafting.toFixed(2), 6], [r.goodputPerS.batch.toFixed(2), 6], [r.goodputAllPerS.toFixed(2), 6],
        [r.batchThroughputPerS.toFixed(2), 8], [`${(r.shedRate * 100).toFixed(1)}%`, 7], [r.jain.toFixed(3), 7],
        [`${s2(r.batchP50Bulk)} / ${s2(r.batchP50Others)}`, 23], [`  ${lowestShare(r)}`, -21]]));
    }
  }
  return out.join('\n');
}

/** The tenant furthest below its fair share, e.g. "bulk 0.84". */
function lowestShare(r: PolicyRow): string {
  const [tenant, share] = Object.entries(r.tenantShares).sort((a, b) => a[1] - b[1])[0] ?? ['–', NaN];
  return `${tenant} ${share.toFixed(2)}`;
}

function latencyTable(l: LatencyResult): string {
  const head = cols([['generator', -12], ['rate/s', -8], ['direct p50', 12], ['p99', 9], ['dispatcher p50', 16], ['p99', 9], ['added p50', 11], ['p99', 9], ['bare proxy added p50', 22], ['p99', 9], ['over proxy p99', 16], ['requests', 16], ['non-2xx', 9], ['CPU ms/req disp./proxy', 24], ['own p50', 9], ['own p99', 9]]);
  const out = [`Added latency (ms) against an instant backend; ${l.layout}`,
    `paced: evenly spaced requests, open loop; autocannon: overallRate over ${l.connections} connections, which autocannon spends as a burst at the start of each second;`,
    'added = dispatcher minus direct percentile; bare proxy added = the same for a bare Node reverse proxy in the dispatcher\'s place (the floor of one more process in the path);',
    'over proxy = dispatcher minus bare proxy; own = the dispatcher\'s own time per request measured inside it (arrival to answer, less the time at the backend)',
    head, '-'.repeat(head.length)];
  for (const p of l.pairs) {
    out.push(cols([[p.generator, -12], [String(p.rate), -8], [p.direct.latencyMs.p50.toFixed(3), 12], [p.direct.latencyMs.p99.toFixed(3), 9],
      [p.dispatcher.latencyMs.p50.toFixed(3), 16], [p.dispatcher.latencyMs.p99.toFixed(3), 9], [p.addedMs.p50.toFixed(3), 11], [p.addedMs.p99.toFixed(3), 9],
      [p.proxyAddedMs.p50.toFixed(3), 22], [p.proxyAddedMs.p99.toFixed(3), 9], [p.overProxyMs.p99.toFixed(3), 16],
      [`${p.direct.requests}/${p.dispatcher.requests}/${p.proxy.requests}`, 16], [String([p.direct, p.dispatcher, p.proxy].reduce((n, r) => n + r.non2xx + r.errors, 0)), 9],
      [`${p.dispatcher.dispatcherCpuMsPerRequest?.toFixed(2) ?? '–'}/${p.proxy.dispatcherCpuMsPerRequest?.toFixed(2) ?? '–'}`, 24], [p.dispatcher.ownMs?.p50.toFixed(3) ?? '–', 9], [p.dispatcher.ownMs?.p99.toFixed(3) ?? '–', 9]]));
  }
  return out.join('\n');
}

function failoverTable(f: FailoverResult[]): string {
  const head = cols([['case', -8], ['sent', 6], ['failed', 8], ['p50 ms', 8], ['p99', 7], ['max', 7], ['retries', 9], ['detect ms', 11], ['intervals', 11], ['by', 9], ['closed after restore', 22], ['taking requests', 17]]);
  const out = ['Failover: two simulated backends, the dedicated one (taking the load) fails at 3 s and comes back at 7 s; non-streamed chat', head, '-'.repeat(head.length)];
  for (const r of f) {
    out.push(cols([[r.mode, -8], [String(r.sent), 6], [String(r.failed), 8], [String(r.latencyMs.p50), 8], [String(r.latencyMs.p99), 7], [String(r.latencyMs.max), 7],
      [String(r.retries), 9], [String(r.detectMs ?? '–'), 11], [String(r.detectIntervals ?? '–'), 11], [r.detectedBy ?? '–', 9],
      [`${r.closedAfterRestoreMs ?? '–'} ms`, 22], [`${r.recoverMs ?? '–'} ms`, 17]]));
  }
  out.push(`  (${f[0]?.ratePerS ?? 0} req/s for ${(f[0]?.durationMs ?? 0) / 1000} s each, probe interval ${f[0]?.probeIntervalMs ?? 0} ms; "dies" closes its port, "hangs" answers /health while completions never answer)`);
  return out.join('\n');
}

function saturationLine(r: SaturationResult): string {
  const decisions = Object.entries(r.canaryDecisions).map(([k, v]) => `${k} ${v}`).join(', ');
  return `Saturation: two sims with ${r.slotsPerBackend} slots each, ${r.clients} batch clients back to back for ${r.durationMs / 1000} s, probes every ${r.probe.intervalMs} ms (timeout ${r.probe.timeoutMs} ms): `
    + `${r.completed} answered, ${r.failed} failed, false breaker opens ${r.falseBreakerOpens}; probe rounds by canary decision: ${decisions || 'none'}`;
}

/** The item-5 scheduling figures of the dispatcher row at one load point, against the best baselines there. */
interface Item5 { seed: number; load: number; interactiveP99: number; goodputRatio: number; batchRatio: number; lowest: [string, number]; dispatcher?: PolicyRow; bestGoodput?: PolicyRow; bestBatch?: PolicyRow }

function item5(d: DesResult, seed: number, load: number): Item5 {
  const at = d.rows.filter((r) => r.load === load);
  const ours = at.find((r) => r.policy === 'dispatcher');
  const baselines = at.filter((r) => (baselineNames as readonly string[]).includes(r.policy));
  const bestGoodput = baselines.reduce<PolicyRow | undefined>((b, r) => (!b || r.goodputAllPerS > b.goodputAllPerS ? r : b), undefined);
  const bestBatch = baselines.reduce<PolicyRow | undefined>((b, r) => (!b || r.batchThroughputPerS > b.batchThroughputPerS ? r : b), undefined);
  const lowest = (Object.entries(ours?.tenantShares ?? {}).sort((a, b) => a[1] - b[1])[0] ?? ['–', NaN]) as [string, number];
  return {
    seed, load, interactiveP99: ours?.ttftMs.interactive.p99 ?? Infinity, lowest,
    goodputRatio: (ours?.goodputAllPerS ?? 0) / (bestGoodput?.goodputAllPerS ?? Infinity),
    batchRatio: (ours?.batchThroughputPerS ?? 0) / (bestBatch?.batchThroughputPerS ?? Infinity),
    ...(ours ? { dispatcher: ours } : {}), ...(bestGoodput ? { bestGoodput } : {}), ...(bestBatch ? { bestBatch } : {}),
  };
}

/** The four scheduling targets at every (seed, load) checked: are they robust, not tuned to one point? */
function robustnessTable(points: Item5[]): string {
  const ok = (b: boolean) => (b ? 'met' : 'MISSED');
  const head = cols([['seed', -6], ['load', -6], ['int p99 ≤ 2 s', -20], ['goodput ≥ 1.2× best', -26], ['batch ≥ 0.8× best', -26], ['lowest tenant ≥ 0.9', -24], ['drafting goodput/s', -20]]);
  const out = ['The item-5 targets at other load points and a second seed (the targets proper are at 1.2×, seed 42):', head, '-'.repeat(head.length)];
  for (const p of points) {
    out.push(cols([[String(p.seed), -6], [`${p.load}×`, -6], [`${s2(p.interactiveP99)} s ${ok(p.interactiveP99 <= 2000)}`, -20],
      [`${p.goodputRatio.toFixed(2)}× ${ok(p.goodputRatio >= 1.2)}`, -26], [`${p.batchRatio.toFixed(2)}× ${ok(p.batchRatio >= 0.8)}`, -26],
      [`${p.lowest[0]} ${p.lowest[1].toFixed(2)} ${ok(p.lowest[1] >= 0.9)}`, -24], [`${p.dispatcher?.goodputPerS.drafting.toFixed(2) ?? '–'} (best baseline ${p.bestGoodput?.goodputPerS.drafting.toFixed(2) ?? '–'})`, -20]]));
  }
  return out.join('\n');
}

/** One line: do the four scheduling targets also hold at the other load points and seed? */
function robustLine(points: Item5[]): string {
  const misses = points.flatMap((p) => [
    ...(p.interactiveP99 <= 2000 ? [] : [`interactive p99 ${s2(p.interactiveP99)} s`]),
    ...(p.goodputRatio >= 1.2 ? [] : [`goodput ${p.goodputRatio.toFixed(2)}×`]),
    ...(p.batchRatio >= 0.8 ? [] : [`batch ${p.batchRatio.toFixed(2)}×`]),
    ...(p.lowest[1] >= 0.9 ? [] : [`${p.lowest[0]} at ${p.lowest[1].toFixed(2)} of its share`]),
  ].map((m) => `seed ${p.seed} ${p.load}×: ${m}`));
  return `the same four scheduling targets at ${[...new Set(points.map((p) => `${p.load}×`))].join(', ')} for seeds ${[...new Set(points.map((p) => p.seed))].join(' and ')}: ${misses.length === 0 ? 'met' : `MISSED (${misses.join('; ')})`}`;
}

function targets(d: DesResult, l: LatencyResult, f: FailoverResult[], sat?: SaturationResult, robust: Item5[] = []): string[] {
  const at12 = d.rows.filter((r) => r.load === 1.2);
  const ours = at12.find((r) => r.policy === 'dispatcher');
  const baselines = at12.filter((r) => (baselineNames as readonly string[]).includes(r.policy));
  const bestGoodput = baselines.reduce<PolicyRow | undefined>((b, r) => (!b || r.goodputAllPerS > b.goodputAllPerS ? r : b), undefined);
  const bestBatch = baselines.reduce<PolicyRow | undefined>((b, r) => (!b || r.batchThroughputPerS > b.batchThroughputPerS ? r : b), undefined);
  const paced = l.pairs.filter((p) => p.generator === 'paced');
  const worstAdded = Math.max(...paced.map((p) => p.addedMs.p99));
  const worstOwn = Math.max(...paced.map((p) => p.dispatcher.ownMs?.p99 ?? NaN));
  const worstBurst = Math.max(...l.pairs.filter((p) => p.generator === 'autocannon').map((p) => p.addedMs.p99));
  const worstProxy = Math.max(...paced.map((p) => p.proxyAddedMs.p99));
  const worstOver = Math.max(...paced.map((p) => p.overProxyMs.p99));
  const ok = (b: boolean) => (b ? 'met' : 'MISSED');
  const shares = Object.entries(ours?.tenantShares ?? {});
  const heldBack = shares.filter(([, x]) => x < 0.9);
  const goodputRatio = (ours?.goodputAllPerS ?? 0) / (bestGoodput?.goodputAllPerS ?? Infinity);
  const batchRatio = (ours?.batchThroughputPerS ?? 0) / (bestBatch?.batchThroughputPerS ?? Infinity);
  return [
    `added latency p99 ≤ 1 ms at ${paced.map((p) => p.rate).join(' and ')} req/s: ${ok(worstAdded <= 1)} (worst added p99 ${worstAdded.toFixed(3)} ms, paced; the dispatcher's own time per request p99 ${worstOwn.toFixed(3)} ms; a bare Node proxy in its place adds p99 ${worstProxy.toFixed(3)} ms, the dispatcher ${worstOver.toFixed(3)} ms more than that; ${worstBurst.toFixed(3)} ms in autocannon's bursts)`,
    `interactive p99 TTFT at 1.2× within 2 s with the shipped defaults: dispatcher ${s2(ours?.ttftMs.interactive.p99 ?? NaN)} s (${ok((ours?.ttftMs.interactive.p99 ?? Infinity) <= 2000)}); baselines ${baselines.map((b) => `${b.policy} ${s2(b.ttftMs.interactive.p99)} s`).join(', ')}`,
    `goodput at 1.2× (all classes) ≥ 1.2× the best baseline: ${ok(goodputRatio >= 1.2)} (dispatcher ${ours?.goodputAllPerS ?? '–'}/s, best baseline ${bestGoodput?.policy ?? '–'} ${bestGoodput?.goodputAllPerS ?? '–'}/s: ${goodputRatio.toFixed(2)}×)`,
    `batch throughput at 1.2× ≥ 0.8× the best baseline's: ${ok(batchRatio >= 0.8)} (dispatcher ${ours?.batchThroughputPerS ?? '–'}/s, best ${bestBatch?.policy ?? '–'} ${bestBatch?.batchThroughputPerS ?? '–'}/s: ${batchRatio.toFixed(2)}×; the best-goodput baseline's ${bestGoodput?.batchThroughputPerS ?? '–'}/s)`,
    `no tenant below 0.9 of its fair share at 1.2× (weighted tokens, max-min within each class): ${ok(shares.length > 0 && heldBack.length === 0)} (${shares.map(([t, x]) => `${t} ${x.toFixed(2)}`).join(', ')}${heldBack.length ? `; held back: ${heldBack.map(([t]) => t).join(', ')}` : ''})`,
    `zero failed non-streamed requests when one of two backends fails: ${f.map((r) => `${r.mode} ${r.failed} failed of ${r.sent}`).join(', ')} (${ok(f.every((r) => r.failed === 0))})`,
    `detection within two probe intervals: ${f.map((r) => `${r.mode} ${r.detectIntervals ?? '–'}`).join(', ')} (${ok(f.every((r) => r.detectIntervals !== null && r.detectIntervals <= 2))})`,
    ...(robust.length ? [robustLine(robust)] : []),
    ...(sat ? [`false breaker opens under saturation with probes on = 0: ${sat.falseBreakerOpens} (${ok(sat.falseBreakerOpens === 0)})`] : []),
  ];
}

async function main(): Promise<void> {
  const machine = machineInfo();
  log('part 1: policies on the discrete-event simulation…\n');
  const t1 = performance.now();
  const des = comparePolicies({ loads, count: desRequests, floodSize: Math.round(desRequests / 5), seed: 42, log });
  log(`part 1b: the same at a second seed (${secondSeed})…\n`);
  const des2 = comparePolicies({ loads: robustLoads, count: desRequests, floodSize: Math.round(desRequests / 5), seed: secondSeed, log, ablations: false });
  const robustness = [...robustLoads.map((x) => item5(des, 42, x)), ...robustLoads.map((x) => item5(des2, secondSeed, x))];
  const desSeconds = (performance.now() - t1) / 1000;
  log(`part 2: added latency, ${seconds} s per target at ${rates.join(' and ')} req/s…\n`);
  const latency = await measureAddedLatency({ distDir: here, rates, seconds, connections: 10, log });
  log('part 3: failover…\n');
  const failover: FailoverResult[] = [];
  for (const mode of ['dies', 'hangs'] as const) {
    failover.push(await runFailover({ mode, ratePerS: 30, durationMs: failoverSeconds * 1000, failAtMs: 3000, restoreAtMs: 7000, probeIntervalMs: 500 }));
  }
  log(`part 4: saturation with health probes on, ${saturationSeconds} s…\n`);
  const saturation = await runSaturation({ durationMs: saturationSeconds * 1000 });
  log(`\nKona dispatcher benchmark; ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadAverageAtStart.join(' ')}\n\n`);
  log(`${desTable(des)}\n\n${robustnessTable(robustness)}\n\n${latencyTable(latency)}\n\n${failoverTable(failover)}\n\n${saturationLine(saturation)}\n\nTargets:\n${targets(des, latency, failover, saturation, robustness).map((t) => `  ${t}`).join('\n')}\n`);
  const out = path.join(root, 'bench/results/dispatcher.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({
    machine: { ...machine, loadAverageAtEnd: loadavg().map(round) },
    settings: { latencySecondsPerTarget: seconds, rates, desRequestsPerLoad: desRequests, desWallSeconds: round(desSeconds), failoverSeconds, saturationSeconds, loads },
    policies: des, robustness: robustness.map(({ dispatcher: _d, bestGoodput: _g, bestBatch: _b, ...p }) => p), addedLatency: latency, failover, saturation, targets: targets(des, latency, failover, saturation, robustness),
  }, null, 2)}\n`);
  log(`\nwrote ${path.relative(process.cwd(), out)}\n`);
}

try {
  await main();
} catch (err) {
  process.exitCode = 1;
  process.stderr.write(`bench:dispatcher failed: ${(err as Error).stack ?? err}\n`);
}
