/**
 * Types shared by the inference dispatcher's parts (configuration, scheduler, router, simulator).
 * The dispatcher is a separate service in the same package: the rest of Kona reaches it only over
 * its OpenAI-compatible HTTP API or the typed client, never by importing these internals.
 */

/** Request priority classes, highest first. */
export const priorityClasses = ['interactive', 'drafting', 'batch'] as const;
/** One priority class: interactive chat, staff-triggered drafts, batch work (embeddings, bulk jobs). */
export type PriorityClass = (typeof priorityClasses)[number];

/** Backend tiers, preferred first: dedicated GPUs, shared ones (when dedicated is saturated or down), overflow last. */
export const backendTiers = ['dedicated', 'shared', 'overflow'] as const;
/** One backend tier. */
export type BackendTier = (typeof backendTiers)[number];

/**
 * Model server kinds: which load signals and health endpoints a backend has. `embedder` is an image
 * embedding server (`kona embedder`, Infinity, vLLM serving a CLIP-class model): `/health` and
 * `/v1/models`, no load signals, and its canary is an image embedding rather than a chat completion.
 */
export const backendKinds = ['vllm', 'llamacpp', 'ollama', 'tgi', 'openai', 'embedder'] as const;
/** One backend kind. */
export type BackendKind = (typeof backendKinds)[number];

/**
 * Slots per backend kept from a class and every class below it (trunk reservation): a request of
 * class c is placed only while c and the lower classes together hold fewer than slots − reserve[c].
 * Interactive, the top class, has nothing kept from it.
 */
export interface ClassReserve {
  drafting: number;
  batch: number;
}

/** One model backend as configured (after validation). */
export interface BackendConfig {
  /** Unique name, used in metrics and the status endpoint. */
  name: string;
  /** Base URL of its OpenAI-compatible API, e.g. http://10.0.0.5:8000 (no trailing /v1). */
  baseUrl: string;
  kind: BackendKind;
  tier: BackendTier;
  /** Model names it serves. */
  models: string[];
  /** Sequences it runs at once; the dispatcher keeps about this many requests in flight on it. */
  slots: number;
  /** Relative share among equal choices (default 1). */
  weight: number;
  /** Declares a backend on site although its address is not loopback or private. */
  onSite: boolean;
  /** This backend's class reserve, overriding its tier's and the file's default (config `reserve`). */
  reserve?: ClassReserve;
}

/** The dispatcher's whole configuration file (after validation). */
export interface DispatcherConfig {
  backends: BackendConfig[];
  /** Queue bound, deadline and time-to-first-token objective per class. */
  classes: Record<PriorityClass, { maxQueued: number; deadlineMs: number; objectiveMs: number }>;
  /**
   * Objective-aware admission: with `shed`, a request projected to miss its class's objectiveMs is
   * refused at once (429 with Retry-After) and one that waited past it in the queue is answered 429;
   * `cheapFirst` classes share their ranks and go cheapest next request first (scheduler/queue.ts).
   */
  admission: { shed: boolean; cheapFirst: PriorityClass[] };
  /** Active probe interval and timeout. */
  probe: { intervalMs: number; timeoutMs: number };
  /** Backend load signals older than this are ignored (treated as missing). */
  metricsStaleMs: number;
  /** Limits on one attempt at a backend (ms). */
  timeouts: {
    /** A streamed request must get its first chunk within this (hang before headers, stall before the first token). */
    firstTokenMs: number;
    /** A non-streamed request must be answered whole within this. */
    responseMs: number;
    /** A stream that sends nothing for this long has stalled. */
    streamIdleMs: number;
  };
  /** Attempts per request across backends before the client gets an error (1 = no retry). */
  retry: { maxAttempts: number };
  /** Slots kept for higher classes: a default for every backend, optionally one per tier (a backend's own `reserve` wins). */
  reserve: ClassReserve & { tiers?: Partial<Record<BackendTier, ClassReserve>> };
}

/** What the router knows about one backend's load at a moment. */
export interface BackendLoad {
  name: string;
  tier: BackendTier;
  slots: number;
  weight: number;
  /** Requests this dispatcher has in flight on it. */
  inFlight: number;
  /** Of those, how many per priority class (optional: without it the class reserve counts all in flight). */
  inFlightByClass?: Partial<Record<PriorityClass, number>>;
  /** Weighted tokens (scheduler/cost.ts) of the requests in flight on it; without it every request counts as an average one. */
  inFlightCost?: number;
  /** Slots kept from each class and the classes below it (see ClassReserve in scheduler/router.ts); none when absent. */
  reserve?: ClassReserve;
  /** Whether its circuit breaker lets requests through now. */
  available: boolean;
  /** The backend's own signals, when fresh; undefined when missing or stale. `slots` is the server's own slot count (llama.cpp `/slots`). */
  signals?: { waiting: number; running: number; kvCacheUsage?: number; slots?: number };
  /** Models the backend reports holding in memory (Ollama `/api/ps`), when fresh; others must be loaded first. */
  residentModels?: string[];
}

/** One request waiting in the dispatcher's queue (payload kept opaque to the scheduler). */
export interface QueuedRequest<T = unknown> {
  id: string;
  priority: PriorityClass;
  /** The rescue (tenant) it is for; fairness is between tenants within a class. */
  tenant: string;
  model: string;
  /** Enqueue time (ms, on the scheduler's clock: real or virtual). */
  enqueuedAt: number;
  /** Give up (answer 429/504) if not dispatched by then. */
  deadline: number;
  /** Weighted tokens it is expected to cost (scheduler/cost.ts); fairness between tenants counts these. Default 1. */
  cost?: number;
  /** Never shed for its class objective (a retry after a failed attempt: it was admitted once). */
  shedExempt?: boolean;
  payload: T;
}
