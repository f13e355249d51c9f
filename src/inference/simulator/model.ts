/**
 * A model of one GPU inference server, apart from HTTP: N slots, continuous batching (one decode
 * step advances every running sequence by a token, and a step slows as more sequences share it),
 * prefill time per prompt token, a FIFO waiting queue beyond the slots, and KV-cache usage.
 * Time comes from an injected clock, so the same code runs on real timers or in virtual time.
 */
import { systemClock, type Clock } from '../../platform/clock/clock.js';

/** Timing and capacity parameters of the simulated GPU. */
export interface GpuTiming {
  /** Sequences decoded at once; more requests wait. */
  slots: number;
  /** Duration of a decode step with one running sequence (ms per output token). */
  baseStepMs: number;
  /** Extra fraction of a step per additional running sequence (batching slowdown). */
  alpha: number;
  /** Prefill cost per prompt token (ms), paid inside the step that admits the sequence. */
  prefillMsPerToken: number;
  /** KV-cache capacity in tokens (prompt + generated of every running sequence). */
  kvTokenBudget: number;
}

/** Defaults roughly shaped like a mid-size model on one consumer GPU. */
export const defaultTiming: GpuTiming = { slots: 4, baseStepMs: 20, alpha: 0.1, prefillMsPerToken: 0.2, kvTokenBudget: 32_768 };

/** Duration of one step (pure): decode cost grows with the batch; prefill of newly admitted prompts adds to it. */
export function stepDurationMs(t: GpuTiming, running: number, prefillTokens: number, slowdown = 1): number {
  const decode = t.baseStepMs * (1 + t.alpha * Math.max(0, running - 1));
  return (decode + t.prefillMsPerToken * prefillTokens) * slowdown;
}

/** What a caller hears about its sequence. */
export interface SequenceCallbacks {
  /** Output token number `index` (0-based) is ready. */
  onToken?(index: number): void;
  /** All requested tokens are out (not called after cancel). */
  onDone?(): void;
}

/** A submitted sequence's handle. */
export interface SequenceHandle {
  id: number;
  /** Drops the sequence wherever it is (queue or slot); its slot frees at the next step. */
  cancel(): void;
}

/** One slot's state, for `/slots`-style reporting. */
export interface SlotView {
  id: number;
  busy: boolean;
  promptTokens: number;
  generated: number;
}

/** Counts at a moment. */
export interface GpuSnapshot {
  running: number;
  waiting: number;
  /** Fraction (0..1) of the KV token budget in use. */
  kvCacheUsage: number;
  kvTokens: number;
  promptTokensTotal: number;
  generationTokensTotal: number;
  requestsFinishedTotal: number;
  slots: SlotView[];
}

interface Sequence {
  id: number;
  slot: number;
  promptTokens: number;
  maxTokens: number;
  generated: number;
  prefilled: boolean;
  cancelled: boolean;
  cb: SequenceCallbacks;
}

/** The simulated GPU: submit sequences, read snapshots, set a slowdown factor. */
export class GpuModel {
  readonly timing: GpuTiming;
  private readonly clock: Clock;
  private readonly waiting: Sequence[] = [];
  private readonly running: Sequence[] = [];
  private stepTimer: unknown;
  private nextId = 1;
  private slowdown = 1;
  private promptTokensTotal = 0;
  private generationTokensTotal = 0;
  private finishedTotal = 0;

  constructor(timing: Partial<GpuTiming> = {}, clock: Clock = systemClock) {
    this.timing = { ...defaultTiming, ...timing };
    if (!(this.timing.slots >= 1)) throw new Error('GpuModel: slots must be at least 1');
    this.clock = clock;
  }

  /** Queues a sequence; it starts at the next step boundary with a free slot. */
  submit(req: { promptTokens: number; maxTokens: number }, cb: SequenceCallbacks = {}): SequenceHandle {
    const seq: Sequence = {
      id: this.nextId++, slot: -1, promptTokens: Math.max(0, req.promptTokens), maxTokens: Math.max(0, req.maxTokens),
      generated: 0, prefilled: false, cancelled: false, cb,
    };
    this.waiting.push(seq);
    this.ensureStepping();
    return { id: seq.id, cancel: () => this.cancel(seq) };
  }

  /** Multiplies every step's duration (1 = normal), e.g. to model thermal throttling or a noisy neighbour. */
  setSlowdown(factor: number): void {
    this.slowdown = factor > 0 ? factor : 1;
  }

  /** Current counts and slot states. */
  snapshot(): GpuSnapshot {
    const kvTokens = this.running.reduce((n, s) => n + s.promptTokens + s.generated, 0);
    const bySlot = new Map(this.running.map((s) => [s.slot, s]));
    const slots: SlotView[] = [];
    for (let i = 0; i < this.timing.slots; i++) {
      const s = bySlot.get(i);
      slots.push({ id: i, busy: !!s, promptTokens: s?.promptTokens ?? 0, generated: s?.generated ?? 0 });
    }
    return {
      running: this.running.length, waiting: this.waiting.length,
      kvCacheUsage: Math.min(1, kvTokens / this.timing.kvTokenBudget), kvTokens,
      promptTokensTotal: this.promptTokensTotal, generationTokensTotal: this.generationTokensTotal,
      requestsFinishedTotal: this.finishedTotal, slots,
    };
  }

  /** Stops the step loop and drops all work (for shutdown). */
  stop(): void {
    if (this.stepTimer !== undefined) this.clock.clearTimer(this.stepTimer);
    this.stepTimer = undefined;
    for (const s of [...this.running, ...this.waiting]) s.cancelled = true;
    this.running.length = 0;
    this.waiting.length = 0;
  }

  private cancel(seq: Sequence): void {
    if (seq.cancelled) return;
    seq.cancelled = true;
    remove(this.waiting, seq);
    remove(this.running, seq);
  }

  private ensureStepping(): void {
    if (this.stepTimer !== undefined || this.waiting.length + this.running.length === 0) return;
    // Start on a zero-delay timer so requests arriving in the same tick share the first step.
    this.stepTimer = this.clock.setTimer(() => {
      this.stepTimer = undefined;
      this.startStep();
    }, 0);
  }

  private startStep(): void {
    let prefillTokens = 0;
    while (this.running.length < this.timing.slots && this.waiting.length > 0) {
      const seq = this.waiting.shift()!;
      seq.slot = this.freeSlot();
      this.running.push(seq);
      prefillTokens += seq.promptTokens;
    }
    if (this.running.length === 0) return;
    const batch = [...this.running];
    const ms = stepDurationMs(this.timing, batch.length, prefillTokens, this.slowdown);
    this.stepTimer = this.clock.setTimer(() => this.finishStep(batch), ms);
  }

  private finishStep(batch: Sequence[]): void {
    this.stepTimer = undefined;
    for (const seq of batch) {
      if (seq.cancelled) continue;
      if (!seq.prefilled) {
        seq.prefilled = true;
        this.promptTokensTotal += seq.promptTokens;
      }
      // The prefill step yields the first token too, as on vLLM and llama.cpp.
      if (seq.generated < seq.maxTokens) {
        seq.generated++;
        this.generationTokensTotal++;
        seq.cb.onToken?.(seq.generated - 1);
      }
      if (seq.generated >= seq.maxTokens && !seq.cancelled) {
        remove(this.running, seq);
        seq.cancelled = true; // finished: a later cancel() is a no-op
        this.finishedTotal++;
        seq.cb.onDone?.();
      }
    }
    this.ensureStepping();
  }

  private freeSlot(): number {
    const used = new Set(this.running.map((s) => s.slot));
    for (let i = 0; i < this.timing.slots; i++) if (!used.has(i)) return i;
    return -1;
  }
}

function remove<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}
