/**
 * Synthetic workloads for the discrete-event simulation: Poisson arrivals with a class mix, tenants
 * and token sizes, scaled to a multiple of the fleet's estimated capacity.
 */
import type { PriorityClass } from '../types.js';
import { priorityClasses } from '../types.js';
import type { SimBackendSpec, SimRequest } from './des.js';

/** Mean token sizes and share of arrivals per class. */
export type ClassMix = Record<PriorityClass, { share: number; promptTokens: number; outputTokens: number }>;

/** A chat-heavy default mix: interactive chat, longer drafts, short batch items. */
export const defaultMix: ClassMix = {
  interactive: { share: 0.3, promptTokens: 400, outputTokens: 120 },
  drafting: { share: 0.2, promptTokens: 800, outputTokens: 250 },
  batch: { share: 0.5, promptTokens: 200, outputTokens: 40 },
};

/** Estimated requests per second the fleet completes at full batch for a mix (the 1.0× load point). */
export function estimateCapacity(backends: readonly SimBackendSpec[], mix: ClassMix = defaultMix): number {
  const total = priorityClasses.reduce((a, c) => a + mix[c].share, 0);
  const p = priorityClasses.reduce((a, c) => a + (mix[c].share / total) * mix[c].promptTokens, 0);
  const o = priorityClasses.reduce((a, c) => a + (mix[c].share / total) * mix[c].outputTokens, 0);
  let perSecond = 0;
  for (const b of backends) {
    const step = b.decodeMsPerToken * (1 + b.slowdown * (b.slots - 1));
    // A full batch turns over `slots` sequences in o steps plus each newcomer's prefill stall.
    const cycleMs = o * step + b.slots * p * b.prefillMsPerToken;
    perSecond += (b.slots / cycleMs) * 1000;
  }
  return perSecond;
}

/** Options for generateWorkload. */
export interface WorkloadOptions {
  seed: () => number;
  /** Arrivals per second. */
  ratePerS: number;
  count: number;
  tenants: readonly string[];
  mix?: ClassMix;
}

/** Poisson arrivals, class drawn from the mix, tenant uniformly, token sizes uniform in ±50% of the mean. */
export function generateWorkload(opts: WorkloadOptions): SimRequest[] {
  const mix = opts.mix ?? defaultMix;
  const rnd = opts.seed;
  const total = priorityClasses.reduce((a, c) => a + mix[c].share, 0);
  const out: SimRequest[] = [];
  let t = 0;
  for (let i = 0; i < opts.count; i++) {
    t += (-Math.log(1 - rnd()) / opts.ratePerS) * 1000;
    let u = rnd() * total;
    let cls: PriorityClass = 'batch';
    for (const c of priorityClasses) {
      if (u < mix[c].share) { cls = c; break; }
      u -= mix[c].share;
    }
    const tenant = opts.tenants[Math.floor(rnd() * opts.tenants.length)] ?? 't0';
    const size = (mean: number): number => Math.max(1, Math.round(mean * (0.5 + rnd())));
    out.push({ id: `r${i}`, at: t, priority: cls, tenant, promptTokens: size(mix[cls].promptTokens), outputTokens: size(mix[cls].outputTokens) });
  }
  return out;
}
