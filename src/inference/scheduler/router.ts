/**
 * Late-binding routing: a backend is chosen when a request leaves the dispatcher queue, from a
 * snapshot of every backend's load. Pure: the caller supplies the snapshot (stale backend signals
 * already marked undefined) and which backends serve which model.
 *
 * Also the naive baseline policies the benchmark compares against (round-robin, least-connections,
 * power-of-two-choices); like ordinary proxies they ignore slot limits and tiers.
 */
import type { BackendLoad, BackendTier, ClassReserve, PriorityClass } from '../types.js';
import { backendTiers } from '../types.js';

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
export type RoutePolicy = (model: string, loads: readonly BackendLoad[], serves: ServesModel, priority?: PriorityClass, aged?: boolean) => RouteDecision;

/** A backend reporting KV-cache usage at or above this takes no new sequence (it would preempt). */
export const kvSaturation = 0.95;

/** Sequences the backend runs at once: the configured slots, or fewer where the server reports fewer (llama.cpp `/slots`). */
export function capacity(load: BackendLoad): number {
  return Math.max(Math.min(load.slots, load.signals?.slots ?? Infinity), 1);
}

/**
 * Occupancy of a backend in [0, ∞): the larger of our in-flight work and its own running + waiting,
 * over its capacity. Our work counts in weighted tokens where known (`inFlightCost` over
 * `typicalCost`, the cost of an average request), so four long drafts weigh more than four chats.
 */
export function occupancy(load: BackendLoad, typicalCost?: number): number {
  const own = load.inFlightCost !== undefined && typicalCost !== undefined && typicalCost > 0
    ? Math.max(load.inFlightCost / typicalCost, load.inFlight > 0 ? 1 : 0) : load.inFlight;
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

function score(load: BackendLoad, model: string, typicalCost: number | undefined): number {
  // Queued work at the backend is worse than running work; KV pressure is a mild tiebreaker; a model
  // load costs about as much as a full backend, so a warm backend with room is preferred to a cold one.
  const waitingPenalty = load.signals ? load.signals.waiting / capacity(load) : 0;
  return occupancy(load, typicalCost) + waitingPenalty + 0.25 * (load.signals?.kvCacheUsage ?? 0) + (isCold(load, model) ? 1 : 0);
}

function eligible(model: string, loads: readonly BackendLoad[], serves: ServesModel): BackendLoad[] {
  return loads.filter((l) => l.available && serves(l.name, model));
}

/** Slots kept from each class and those below it (trunk reservation; see ClassReserve in types.ts). */
export type { ClassReserve };

/** The reserve settings of a configuration: a default, optionally one per tier (types.ts DispatcherConfig.reserve). */
export type ReserveSettings = ClassReserve & { tiers?: Partial<Record<BackendTier, ClassReserve>> };

/** The reserve that applies to a backend: its own, else its tier's, else the default. */
export function reserveFor(settings: ReserveSettings, backend: { tier: BackendTier; reserve?: ClassReserve }): ClassReserve {
  const r = backend.reserve ?? settings.tiers?.[backend.tier] ?? settings;
  return { drafting: r.drafting, batch: r.batch };
}

/** No slots kept: every class may fill a backend. */
export const noReserve: ClassReserve = { drafting: 0, batch: 0 };

/**
 * The dispatcher's default reserve: 2 slots kept free from drafting and batch on every backend.
 * Measured on the discrete-event simulation (bench:dispatcher, two 8-slot backends at 1.2× load):
 * interactive p99 time to first token 1.4–1.7 s against 2.8 s with none; counting every class's
 * slots (not only the lower classes') is what lets 2 slots do what 4 did before.
 */
export const defaultReserve: ClassReserve = { drafting: 2, batch: 2 };

/**
 * Whether the reserve lets a request of `priority` onto this backend (always without a class, and
 * always for interactive). Trunk reservation as telephone exchanges use it: a drafting or batch
 * request is placed only while more than reserve[class] slots stay free after it, so a new chat
 * finds a free slot at once instead of waiting for a long draft to end; when interactive work is
 * light the lower classes still use every other slot. Aged work owed its share (queue.ts) may take
 * one slot on a backend where its class holds none, so batch is never starved outright under an
 * interactive flood; letting every class always have a slot instead gave batch the slots drafting
 * needed (drafting goodput at 1.2× load fell to a fifth on the simulation).
 */
export function reserveAllows(load: BackendLoad, priority: PriorityClass | undefined, reserve: ClassReserve | undefined = load.reserve, aged = false): boolean {
  if (!priority || priority === 'interactive' || !reserve) return true;
  // Batch keeps at least what drafting keeps (the schema checks it; the max guards hand-made values).
  const r = priority === 'batch' ? Math.max(reserve.batch, reserve.drafting) : reserve.drafting;
  if (r <= 0) return true;
  const byClass = load.inFlightByClass;
  const mine = byClass ? byClass[priority] ?? 0 : load.inFlight;
  if (aged && mine === 0) return true;
  // A reserve never exceeds capacity − 1: an idle backend takes any class, however small it is.
  const cap = capacity(load);
  return load.inFlight + Math.min(r, cap - 1) < cap;
}

/** The dispatcher's policy with one class reserve for every backend, whatever each load says (the benchmark's variants). */
export function reservingPolicy(reserve: ClassReserve): RoutePolicy {
  return (model, loads, serves, priority, aged) => route(model, loads, serves, (l) => reserveAllows(l, priority, reserve, aged));
}

/**
 * The dispatcher's policy: tiers in order, least-loaded (in weighted tokens) within a tier, never
 * beyond slots, the slots each backend's configured reserve keeps for higher classes left to them,
 * weight breaks ties.
 */
export const dispatcherPolicy: RoutePolicy = (model, loads, serves, priority, aged) =>
  route(model, loads, serves, (l) => reserveAllows(l, priority, l.reserve, aged));

/**
 * Strict class priority with least-connections (the priority-aware baseline): the same queue in
 * front, a backend with a free slot chosen by fewest requests in flight, no tiers, no reserve, no
 * token costs or backend signals.
 */
export const priorityLeastConnectionsPolicy: RoutePolicy = (model, loads, serves) => {
  let best: BackendLoad | undefined;
  for (const l of eligible(model, loads, serves)) {
    if (l.inFlight >= l.slots) continue;
    if (!best || l.inFlight < best.inFlight) best = l;
  }
  return best ? { backend: best.name } : { reason: eligible(model, loads, serves).length ? 'saturated' : 'unavailable' };
};

function route(model: string, loads: readonly BackendLoad[], serves: ServesModel, allows: (l: BackendLoad) => boolean): RouteDecision {
  const candidates = eligible(model, loads, serves);
  if (candidates.length === 0) return { reason: 'unavailable' };
  // An average in-flight request's weighted tokens, over this snapshot: the unit token-weighted occupancy counts in.
  let cost = 0, count = 0;
  for (const l of candidates) if (l.inFlightCost !== undefined) { cost += l.inFlightCost; count += l.inFlight; }
  const typicalCost = count > 0 ? cost / count : undefined;
  for (const tier of backendTiers) {
    let best: BackendLoad | undefined;
    let bestScore = Infinity;
    for (const l of candidates) {
      if (l.tier !== tier || isSaturated(l) || !allows(l)) continue;
      const s = score(l, model, typicalCost);
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
