/** Faults the simulated backend can be told to show at run time (via `POST /sim/faults` or in process). */
import { z } from 'zod';

/** The fault set; an empty object means healthy. Posting a set replaces the previous one. */
export const faultsSchema = z.strictObject({
  /** Completions and embeddings never answer (no headers); `/health` stays 200. */
  hang: z.boolean().optional(),
  /** Streams stop sending after this many tokens and keep the connection open (the GPU slot frees when its sequence ends). */
  stallAfterTokens: z.number().int().min(0).optional(),
  /** Streams close the connection after this many tokens, without `[DONE]`; non-streamed requests lose the socket. */
  truncateAfterTokens: z.number().int().min(0).optional(),
  /** Answer completions and embeddings with this status and an OpenAI-style error body. */
  errorStatus: z.union([z.literal(500), z.literal(429), z.literal(503)]).optional(),
  /** Retry-After seconds sent with 429/503. */
  retryAfterS: z.number().int().min(0).optional(),
  /** Only the next N requests get `errorStatus` (then it clears); all of them when absent. */
  errorCount: z.number().int().min(1).optional(),
  /** Answers asked for a json_schema come back as broken JSON (a model that ignores the format). */
  badJson: z.boolean().optional(),
  /**
   * Plain-text answers (no json_schema) say this text, one word a token, instead of lorem words: a
   * scripted model for tests of features that read the words (citations in a chat answer).
   */
  replyText: z.string().min(1).max(8000).optional(),
  /** Multiplies every GPU step's duration (1 = normal). */
  slowdown: z.number().positive().optional(),
  /** Close every connection (new and idle) at once for this long. */
  refuseForMs: z.number().int().min(1).optional(),
});

/** One fault set. */
export type SimFaults = z.infer<typeof faultsSchema>;
