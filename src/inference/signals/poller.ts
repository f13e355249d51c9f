/**
 * Polls each backend where its kind reports load (kinds.ts: vLLM `/metrics`, llama.cpp `/slots` and
 * `/metrics`, Ollama `/api/ps`) on a fixed cadence and keeps its last good reading, so the router
 * can weigh the backend's own queue. A reading older than `staleMs` is withheld: the router then
 * falls back to the dispatcher's own in-flight count instead of steering by an old picture.
 */
import { systemClock, type Clock } from '../../platform/clock/clock.js';
import type { BackendConfig } from '../types.js';
import { signalSource, type Answer, type BackendReading } from './kinds.js';
import type { BackendSignals } from './parse.js';

/** How the poller runs. */
export interface SignalPollerOptions {
  intervalMs: number;
  /** Per request, body included. */
  timeoutMs: number;
  /** Readings older than this are withheld (the config's `metricsStaleMs`). */
  staleMs: number;
  /** Time and timers (default: the system clock). */
  clock?: Clock;
  fetch?: typeof fetch;
  /** Told of each failed poll (for logs and metrics); never throws into the poller. */
  onError?: (backend: string, error: string) => void;
}

/** The part of a backend's configuration the poller needs. */
export type PolledBackend = Pick<BackendConfig, 'name' | 'baseUrl' | 'kind'>;

interface Reading {
  reading: BackendReading;
  /** When the request that produced it was sent (conservative: the state is at least this old). */
  at: number;
}

/** Fetches backends' load signals in the background and answers `signalsOf` from the last fresh reading. */
export class SignalPoller {
  private backends = new Map<string, PolledBackend>();
  private readings = new Map<string, Reading>();
  private lastError = new Map<string, string>();
  private inFlight = new Map<string, AbortController>();
  private timer: unknown;
  private running = false;
  private readonly clock: Clock;
  private readonly fetchFn: typeof fetch;

  /** Creates a stopped poller for these backends (kinds that report no load are ignored). */
  constructor(backends: PolledBackend[], private readonly opts: SignalPollerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.fetchFn = opts.fetch ?? fetch;
    this.setBackends(backends);
  }

  /** Replaces the polled set (hot reload); readings of backends whose address or kind changed are dropped. */
  setBackends(backends: PolledBackend[]): void {
    const next = new Map(backends.filter((b) => signalSource(b.kind) !== undefined).map((b) => [b.name, b]));
    for (const [name, old] of this.backends) {
      const now = next.get(name);
      if (!now || now.baseUrl !== old.baseUrl || now.kind !== old.kind) {
        this.readings.delete(name);
        this.lastError.delete(name);
      }
    }
    this.backends = next;
  }

  /** Starts polling: one round now, then one every `intervalMs`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.tick();
  }

  /** Stops polling and aborts requests in flight; readings already taken are kept (they still age out). */
  stop(): void {
    this.running = false;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    for (const abort of this.inFlight.values()) abort.abort();
  }

  private tick(): void {
    void this.pollAll();
    // The next round is scheduled regardless of this one: a hung backend must not delay the others.
    if (this.running) this.timer = this.clock.setTimer(() => this.tick(), this.opts.intervalMs);
  }

  /** Polls every backend once (skipping any whose previous poll is still running). */
  async pollAll(): Promise<void> {
    await Promise.all([...this.backends.keys()].map((name) => this.pollOne(name)));
  }

  /** Polls one backend once; failures are recorded, never thrown. */
  async pollOne(name: string): Promise<void> {
    const backend = this.backends.get(name);
    if (!backend || this.inFlight.has(name)) return;
    const abort = new AbortController();
    this.inFlight.set(name, abort);
    const sentAt = this.clock.now();
    let timedOut = false;
    const timeout = this.clock.setTimer(() => {
      timedOut = true;
      abort.abort();
    }, this.opts.timeoutMs);
    let error: string | undefined;
    const source = signalSource(backend.kind)!;
    const base = backend.baseUrl.replace(/\/+$/, '');
    const answers = await Promise.all(source.paths.map(async (path): Promise<Answer> => {
      try {
        const res = await this.fetchFn(`${base}${path}`, { signal: abort.signal });
        return { status: res.status, text: await res.text() };
      } catch (err) {
        return { error: timedOut ? `timed out after ${this.opts.timeoutMs} ms` : `failed: ${(err as Error).message}` };
      }
    }));
    this.clock.clearTimer(timeout);
    this.inFlight.delete(name);
    if (abort.signal.aborted && !timedOut) return; // stopped: not a backend failure
    const mapped = source.map(answers);
    if (mapped.ok) {
      // A reading that raced a reload to another address must not be stored under the name.
      const current = this.backends.get(name);
      if (current?.baseUrl === backend.baseUrl && current.kind === backend.kind) this.readings.set(name, { reading: mapped.value, at: sentAt });
    } else error = mapped.error;
    if (error === undefined) this.lastError.delete(name);
    else {
      this.lastError.set(name, error);
      try {
        this.opts.onError?.(name, error);
      } catch {
        // a faulty listener must not break polling
      }
    }
  }

  /** The backend's signals if a reading younger than `staleMs` exists at `now`; otherwise undefined. */
  signalsOf(name: string, now: number = this.clock.now()): BackendSignals | undefined {
    const reading = this.readings.get(name);
    if (!reading || !this.backends.has(name)) return undefined;
    if (now - reading.at >= this.opts.staleMs || !reading.reading.signals) return undefined;
    return { ...reading.reading.signals };
  }

  /** The models the backend reported holding in memory, from a fresh reading; undefined where it does not say. */
  residentModelsOf(name: string, now: number = this.clock.now()): string[] | undefined {
    const reading = this.readings.get(name);
    if (!reading || !this.backends.has(name) || now - reading.at >= this.opts.staleMs) return undefined;
    return reading.reading.residentModels ? [...reading.reading.residentModels] : undefined;
  }

  /** The last poll error per backend, for the status endpoint; absent once a poll succeeds. */
  errors(): Record<string, string> {
    return Object.fromEntries(this.lastError);
  }
}
