/**
 * A request's cost in weighted tokens, so that one long draft does not count as one short chat.
 *
 * cost = prompt tokens + 2 × output tokens, the weights of the Virtual Token Counter (Sheng et al.,
 * "Fairness in Serving Large Language Models", OSDI 2024): output tokens are generated one step at a
 * time and hold a slot for each, prompt tokens are processed together. On the simulated fleet this
 * ranks the classes as their GPU time does (interactive 1 : drafting 2.0 : batch 0.44, against
 * 1 : 2.1 : 0.37 measured in des.ts).
 *
 * The estimate is made before the request runs: prompt tokens from its characters (about four per
 * token, plus a few per message for the chat template), output tokens from `max_tokens`, capped by
 * what the class has been seen to produce (`OutputTracker`, fed by the backend's own `usage` counts),
 * or a per-class default. The queue charges the tenant the estimate and corrects it with the real
 * count when the answer says it (queue.ts `charge`).
 */
import type { PriorityClass } from '../types.js';

/** Output tokens weigh twice as much as prompt tokens (VTC's weights). */
export const outputTokenWeight = 2;
/** Characters per token for the prompt estimate (the usual rule of thumb for English with BPE tokenizers). */
export const charsPerToken = 4;
/** Tokens a chat template adds per message (role markers, separators). */
export const tokensPerMessage = 4;

/** Output tokens assumed for a class when the request gives no `max_tokens` and nothing has been seen yet. */
export const defaultOutputTokens: Record<PriorityClass, number> = { interactive: 256, drafting: 512, batch: 64 };

/** A request's estimated size. */
export interface TokenEstimate {
  promptTokens: number;
  outputTokens: number;
}

/** Weighted tokens of an estimate or of counted usage. */
export function tokenCost(t: TokenEstimate): number {
  return Math.max(1, t.promptTokens + outputTokenWeight * t.outputTokens);
}

/** Prompt tokens from characters and message count. */
export function promptTokensFromChars(chars: number, messages: number): number {
  return Math.ceil(chars / charsPerToken) + tokensPerMessage * messages;
}

/**
 * Typical output length per class, learned from the backends' own counts (an exponentially weighted
 * mean of `usage.completion_tokens`), used to cap `max_tokens` (often set far above what is produced)
 * and in its absence.
 */
export class OutputTracker {
  private readonly mean = new Map<PriorityClass, number>();

  /** Records the output tokens a finished request of `cls` produced. */
  observe(cls: PriorityClass, outputTokens: number): void {
    if (!Number.isFinite(outputTokens) || outputTokens < 0) return;
    const old = this.mean.get(cls);
    this.mean.set(cls, old === undefined ? outputTokens : 0.9 * old + 0.1 * outputTokens);
  }

  /** Expected output tokens: the request's bound, capped at twice the class's typical output once one is known. */
  expected(cls: PriorityClass, maxTokens: number | undefined): number {
    const seen = this.mean.get(cls);
    const typical = seen === undefined ? defaultOutputTokens[cls] : Math.max(1, Math.round(seen));
    if (maxTokens === undefined) return typical;
    return seen === undefined ? maxTokens : Math.min(maxTokens, 2 * typical);
  }
}
