/**
 * Late-binding routing: a backend is chosen when a request leaves the dispatcher queue, from a
 * snapshot of every backend's load. Pure: the caller supplies the snapshot (stale backend signals
 * already marked undefined) and which backends serve which model.
 *
 * Also the naive baseline policies the benchmark compares against (round-robin, least-connections,
 * power-of-two-choices); like ordinary proxies they ignore slot limits and tiers.
 */
import type { BackendLoad, PriorityClass } from '../types.js';
import { backendTiers, priorityClasses } from '../types.js';

/** Which backend serves a model (from configuration). */
export type ServesModel = (backend: string, model: string) => boolean;

/** A routing decision: a backend, or none with the reason (wait in the queue, or nobody serves it). */
export type RouteDecision =
  | { backend: string }
  | { backend?: undefined; reason: 'saturated' | 'unavailable' };

/**
 * A routing policy: given a model, a load snapshot and (optionally) the request's priority class,
 * choose a backend. Without a class the request is treated as the highest class (no reserve applies).
 */
export type RoutePolicy = (model: string, loads: readonly BackendLoad[], serves: ServesModel, priority?: PriorityClass) => RouteDecision;

/** A backend reporting KV-cache usage at or above this takes no new sequence (it would preempt). */
export const kvSaturation = 0.95;

/** Sequences the backend runs at once: the configured slots, or fewer where the server reports fewer (llama.cpp `/slots`). */
export function capacity(load: BackendLoad): number {
  return Math.max(Math.min(load.slots, load.signals?.slots ?? Infinity), 1);
}

/** Occupancy of a backend in [0, ∞): the larger of our in-flight count and its own running + waiting, over its capacity. */
export function occupancy(load: BackendLoad): number {
  const own = load.inFlight;
  // Its own signals include other clients' work on a shared GPU; they refine, never lower, our count.
  const reported = load.signals ? load.signals.running + load.signals.waiting : 0;
  return Math.max(own, reported) / capacity(load);
}

/** Whether a backend should take no more work now: slots full by either count, or KV cache nearly full. */
export function isSaturated(load: BackendLoad): boolean {
  if (load.inFlight >= capacity(load)) return true;
  if (!load.signals) return false;
  if (load.signals.running + load.signals.waiting >= capacity(load)) return true;
  return (load.signals.kvCacheUsage ?? 0) >= kvSaturation;
}

/**
 * Whether the backend says it does not hold `model` in memory (Ollama `/api/ps`): the request would
 * wait seconds for a load. Names match with Ollama's implicit `:latest` tag.
 */
export function isCold(load: BackendLoad, model: string): boolean {
  if (!load.residentModels) return false;
  const tagged = (name: string) => (name.includes(':') ? name : `${name}:latest`);
  return !load.residentModels.some((m) => tagged(m) === tagged(model));
}

function score(load: BackendLoad, model: string): number {
  // Queued work at the backend is worse than running work; KV pressure is a mild tiebreaker; a model
  // load costs about as much as a full backend, so a warm backend with room is preferred to a cold one.
  const waitingPenalty = load.signals ? load.signals.waiting / capacity(load) : 0;
  return occupancy(load) + waitingPenalty + 0.25 * (load.signals?.kvCacheUsage ?? 0) + (isCold(load, model) ? 1 : 0);
}

function eligible(model: string, loads: readonly BackendLoad[], serves: ServesModel): BackendLoad[] {
  return loads.filter((l) => l.available && serves(l.name, model));
}

/**
 * Slots per backend kept from a class and every class below it (trunk reservation): a request of
 * class c is placed only while c and the lower classes together hold fewer than slots − reserve[c]
 * of the backend's slots. With { drafting: 1, batch: 2 } on 8 slots, batch holds at most 6 and
 * drafting + batch at most 7, so a new interactive request finds a free slot without waiting for a
 * long draft to finish. Counting only the lower classes (not all in flight) keeps batch
 * starvation-free: under an interactive flood a freed slot still admits an aged batch request.
 */
export type ClassReserve = Record<PriorityClass, number>;

/**
 * The dispatcher's default reserve: none. Measured on the discrete-event simulation (bench:dispatcher)
 * a small reserve barely moves interactive p99 at 1.2× load, and one large enough to meet the 2 s
 * objective there ({ drafting: 4, batch: 4 } on 8 slots) costs most of drafting's goodput, so it is
 * an operator's choice (reservingPolicy), not a default.
 */
export const defaultReserve: ClassReserve = { interactive: 0, drafting: 0, batch: 0 };

/** Whether the reserve lets a request of `priority` onto this backend (always, without a class). */
export function reserveAllows(load: BackendLoad, priority: PriorityClass | undefined, reserve: ClassReserve): boolean {
  const r = priority ? reserve[priority] : 0;
  if (r <= 0 || !priority) return true;
  const rank = priorityClasses.indexOf(priority);
  const byClass = load.inFlightByClass;
  // Without per-class counts, everything in flight counts against the reserve (stricter, still safe).
  const held = byClass
    ? priorityClasses.slice(rank).reduce((a, c) => a + (byClass[c] ?? 0), 0)
    : load.inFlight;
  // Every class may always use at least one slot, so a small backend never refuses a class outright.
  return held < Math.max(1, load.slots - r);
}

/** The dispatcher's policy with a given class reserve (see dispatcherPolicy). */
export function reservingPolicy(reserve: ClassReserve): RoutePolicy {
  return (model, loads, serves, priority) => route(model, loads, serves, (l) => reserveAllows(l, priority, reserve));
}

/**
 * The dispatcher's policy: tiers in order, least-loaded within a tier, never beyond slots, a few
 * slots per backend kept for higher classes when a reserve is set (none by default), weight breaks ties.
 */
export const dispatcherPolicy: RoutePolicy = reservingPolicy(defaultReserve);

function route(model: string, loads: readonly BackendLoad[], serves: ServesModel, allows: (l: BackendLoad) => boolean): RouteDecision {
  const candidates = eligible(model, loads, serves);
  if (candidates.length === 0) return { reason: 'unavailable' };
  for (const tier of backendTiers) {
    let best: BackendLoad | undefined;
    let bestScore = Infinity;
    for (const l of candidates) {
      if (l.tier !== tier || isSaturated(l) || !allows(l)) continue;
      const s = score(l, model);
      const better =
        s < bestScore - 1e-9 ||
        (Math.abs(s - bestScore) <= 1e-9 && best !== undefined &&
          (l.weight > best.weight || (l.weight === best.weight && l.name < best.name)));
      if (better) {
        best = l;
        bestScore = s;
      }
    }
    if (best) return { backend: best.name };
  }
  return { reason: 'saturated' };
}

/** Round-robin over available backends serving the model (naive baseline). */
export function roundRobinPolicy(): RoutePolicy {
  let next = 0;
  return (model, loads, serves) => {
    const c = eligible(model, loads, serves);
    if (c.length === 0) return { reason: 'unavailable' };
    const pick = c[next++ % c.length];
    return pick ? { backend: pick.name } : { reason: 'unavailable' };
  };
}

/** Least-connections: fewest of our in-flight requests, ignoring slots and tiers (naive baseline). */
export const leastConnectionsPolicy: RoutePolicy = (model, loads, serves) => {
  const c = eligible(model, loads, serves);
  let best: BackendLoad | undefined;
  for (const l of c) if (!best || l.inFlight < best.inFlight) best = l;
  return best ? { backend: best.name } : { reason: 'unavailable' };
};

/** Power-of-two-choices: two random candidates, the less loaded wins (naive baseline; `random` in [0,1)). */
export function powerOfTwoPolicy(random: () => number): RoutePolicy {
  return (model, loads, serves) => {
    const c = eligible(model, loads, serves);
    if (c.length === 0) return { reason: 'unavailable' };
    const a = c[Math.floor(random() * c.length)];
    const b = c[Math.floor(random() * c.length)];
    if (!a || !b) return { reason: 'unavailable' };
    return { backend: (a.inFlight <= b.inFlight ? a : b).name };
  };
}
