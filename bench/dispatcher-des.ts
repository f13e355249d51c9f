/**
 * bench:dispatcher, part 1: routing policies compared on the discrete-event simulation (virtual
 * time, seeded, deterministic). The fleet is one fast dedicated GPU beside a slower shared one, the
 * same as in des.test.ts. The 1.0× point is the fleet's capacity measured in the simulation
 * (completions per second while saturated), reported beside the analytic estimate.
 */
import type { PriorityClass } from '../src/inference/types.js';
import { priorityClasses } from '../src/inference/types.js';
import { dispatcherConfigSchema } from '../src/inference/config/config.schema.js';
import { mulberry32, percentile, simulate, tenantShares, type SimBackendSpec, type SimOptions, type SimReport, type SimRequest } from '../src/inference/scheduler/des.js';
import {
  dispatcherPolicy, leastConnectionsPolicy, noReserve, powerOfTwoPolicy, priorityLeastConnectionsPolicy, roundRobinPolicy, type ReserveSettings, type RoutePolicy,
} from '../src/inference/scheduler/router.js';
import { defaultMix, estimateCapacity, generateWorkload } from '../src/inference/scheduler/workload.js';

/** Like an RTX 5090 (dedicated) beside a shared RTX PRO 6000 that other work also uses: 8 slots each. */
export const fleet: SimBackendSpec[] = [
  { name: 'fast', tier: 'dedicated', slots: 8, prefillMsPerToken: 0.2, decodeMsPerToken: 15, slowdown: 0.05 },
  { name: 'slow', tier: 'shared', slots: 8, prefillMsPerToken: 0.4, decodeMsPerToken: 30, slowdown: 0.08 },
];
/** Time-to-first-token objectives per class (goodput counts requests meeting them). */
export const objectiveMs: Record<PriorityClass, number> = { interactive: 2000, drafting: 10_000, batch: 60_000 };
// The shipped defaults: what the dispatcher's configuration gives these two backends when the file
// says nothing more (queue bounds, deadlines, class reserve), read from the schema itself.
const shipped = dispatcherConfigSchema.parse({
  backends: fleet.map((b) => ({ name: b.name, baseUrl: 'http://127.0.0.1:1', kind: 'vllm', tier: b.tier, models: ['m'], slots: b.slots })),
});
const maxQueued = perClass((c) => shipped.classes[c].maxQueued);
const deadlineMs = perClass((c) => shipped.classes[c].deadlineMs);
const shippedReserve: ReserveSettings = shipped.reserve;

function perClass<T>(f: (c: PriorityClass) => T): Record<PriorityClass, T> {
  return Object.fromEntries(priorityClasses.map((c) => [c, f(c)])) as Record<PriorityClass, T>;
}

/** The baselines: naive proxies, and strict class priority in front of least-connections. */
export const baselineNames = ['round-robin', 'least-connections', 'power-of-two', 'priority + least-connections'] as const;

/** One policy at one load point. */
export interface PolicyRow {
  load: number;
  policy: string;
  ttftMs: Record<PriorityClass, { p50: number; p90: number; p99: number }>;
  goodputPerS: Record<PriorityClass, number>;
  /** All classes: first tokens within their class objective per second of the window. */
  goodputAllPerS: number;
  completed: Record<PriorityClass, number>;
  batchThroughputPerS: number;
  shedRate: number;
  jain: number;
  /** Per tenant: completed weighted tokens in the window over its max-min fair share within each class. */
  tenantShares: Record<string, number>;
  /** Batch TTFT p50 (ms) of the flooding tenant and of the other tenants: fairness inside the class. */
  batchP50Bulk: number;
  batchP50Others: number;
}

/** What part 1 measured. */
export interface DesResult {
  fleet: SimBackendSpec[];
  mix: typeof defaultMix;
  objectiveMs: typeof objectiveMs;
  capacity: { estimatedPerS: number; measuredPerS: number; method: string };
  workload: string;
  /** The shipped class reserve the dispatcher row runs with. */
  reserve: ReserveSettings;
  rows: PolicyRow[];
}

const r1 = (n: number): number => Math.round(n * 10) / 10;
const r3 = (n: number): number => Math.round(n * 1000) / 1000;

function baseOptions(requests: SimRequest[], policy: RoutePolicy, extra: Partial<SimOptions> = {}): SimOptions {
  return { backends: fleet, requests, policy, maxQueued, deadlineMs, objectiveMs, ...extra };
}

/** Completions per second with every slot busy: a mixed backlog queued at t = 0, no deadlines, no bound. */
export function measureCapacity(count: number, seed: number): number {
  const backlog = generateWorkload({ seed: mulberry32(seed), ratePerS: 1e6, count, tenants: ['t'] });
  // The fleet's capacity, not a policy's: no reserve and requests counted, as since the first run (same workload).
  const r = simulate(baseOptions(backlog, dispatcherPolicy, {
    reserve: noReserve, tokenCosts: false,
    maxQueued: { interactive: count, drafting: count, batch: count },
    deadlineMs: { interactive: Infinity, drafting: Infinity, batch: Infinity },
  }));
  return count / (r.makespanMs / 1000);
}

/** The offered load: Poisson arrivals of the default mix from four tenants, plus one tenant's batch flood. */
export function workload(ratePerS: number, count: number, seed: number, floodSize: number): SimRequest[] {
  const steady = generateWorkload({ seed: mulberry32(seed), ratePerS, count, tenants: ['t1', 't2', 't3', 't4'] });
  // The flood: one rescue's bulk job (e.g. re-embedding every record) dropped at once, a tenth into the run.
  const at = (steady[Math.floor(steady.length / 10)]?.at ?? 0);
  const rnd = mulberry32(seed + 1);
  const flood: SimRequest[] = Array.from({ length: floodSize }, (_, i) => ({
    id: `bulk${i}`, at, priority: 'batch', tenant: 'bulk',
    promptTokens: Math.round(defaultMix.batch.promptTokens * (0.5 + rnd())), outputTokens: Math.round(defaultMix.batch.outputTokens * (0.5 + rnd())),
  }));
  return [...steady, ...flood].sort((a, b) => a.at - b.at);
}

/** How a row runs: the live dispatcher's view (token costs, the shipped reserve) or a baseline's (requests counted, no reserve). */
interface Variant { name: string; make: () => RoutePolicy; tokenCosts: boolean; reserve: ReserveSettings }

function row(load: number, v: Variant, requests: SimRequest[], windowMs: number): PolicyRow {
  const bulk: number[] = [];
  const others: number[] = [];
  const r: SimReport = simulate(baseOptions(requests, v.make(), {
    fairnessWindowMs: windowMs, tokenCosts: v.tokenCosts, reserve: v.reserve,
    onFirstToken: (q, ms) => { if (q.priority === 'batch') (q.tenant === 'bulk' ? bulk : others).push(ms); },
  }));
  const per = <T>(f: (c: SimReport['perClass'][PriorityClass]) => T) =>
    Object.fromEntries(priorityClasses.map((c) => [c, f(r.perClass[c])])) as Record<PriorityClass, T>;
  const shares = tenantShares(r.tenantWork);
  return {
    load, policy: v.name,
    ttftMs: per((c) => ({ p50: r1(c.p50), p90: r1(c.p90), p99: r1(c.p99) })),
    goodputPerS: per((c) => r3(c.goodputPerS)),
    goodputAllPerS: r3(priorityClasses.reduce((a, c) => a + r.perClass[c].goodputPerS, 0)),
    completed: per((c) => c.completed),
    batchThroughputPerS: r3(r.batchThroughputPerS),
    shedRate: r3(r.shedRate),
    jain: r3(r.fairness),
    tenantShares: Object.fromEntries(Object.entries(shares).map(([t, x]) => [t, r3(x.share)])),
    batchP50Bulk: r1(percentile(bulk, 50)),
    batchP50Others: r1(percentile(others, 50)),
  };
}

/** Runs part 1 over the load points; `count` steady requests per point. */
export function comparePolicies(opts: { loads: number[]; count: number; floodSize: number; seed: number; log: (s: string) => void }): DesResult {
  const estimatedPerS = estimateCapacity(fleet);
  const measuredPerS = measureCapacity(Math.max(2000, opts.count), opts.seed + 100);
  opts.log(`  capacity: measured ${measuredPerS.toFixed(3)} req/s (estimate ${estimatedPerS.toFixed(3)})\n`);
  const rows: PolicyRow[] = [];
  for (const load of opts.loads) {
    const requests = workload(measuredPerS * load, opts.count, opts.seed, opts.floodSize);
    // Compare over the same window for every policy: until the last steady arrival.
    const windowMs = Math.max(...requests.filter((q) => q.tenant !== 'bulk').map((q) => q.at));
    const baseline = (name: string, make: () => RoutePolicy): Variant => ({ name, make, tokenCosts: false, reserve: noReserve });
    const variants: Variant[] = [
      { name: 'dispatcher', make: () => dispatcherPolicy, tokenCosts: true, reserve: shippedReserve },
      baseline('round-robin', () => roundRobinPolicy()),
      baseline('least-connections', () => leastConnectionsPolicy),
      baseline('power-of-two', () => powerOfTwoPolicy(mulberry32(opts.seed + 7))),
      baseline('priority + least-connections', () => priorityLeastConnectionsPolicy),
      // Ablations of the shipped policy (not baselines): what the reserve and the token costs each bring.
      { name: 'dispatcher, no reserve', make: () => dispatcherPolicy, tokenCosts: true, reserve: noReserve },
      { name: 'dispatcher, requests not tokens', make: () => dispatcherPolicy, tokenCosts: false, reserve: shippedReserve },
    ];
    for (const v of variants) rows.push(row(load, v, requests, windowMs));
    opts.log(`  ${load}× done\n`);
  }
  return {
    fleet, mix: defaultMix, objectiveMs,
    capacity: { estimatedPerS: r3(estimatedPerS), measuredPerS: r3(measuredPerS), method: 'a mixed backlog queued at t = 0 and drained by the dispatcher policy: requests ÷ makespan' },
    workload: `${opts.count} Poisson arrivals per load point (default class mix, tenants t1–t4) plus a flood of ${opts.floodSize} batch requests from tenant "bulk" at a tenth of the run; seed ${opts.seed}; dispatcher default queue bounds and deadlines`,
    reserve: shippedReserve, rows,
  };
}
