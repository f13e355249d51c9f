/**
 * The AI features against a real inference engine. Every feature's output schema is a grammar the
 * engine accepts; and the prompt-injection corpus. The engine is the generated tiny GGUF under
 * llama.cpp (node-llama-cpp, one thread), served by llm-serve's code and reached through the real
 * dispatcher as a backend of kind `llamacpp`, exactly as the review feature reaches any model. The
 * tiny model has random weights, so this proves the mechanism rather than a model's judgement: the
 * engine's json_schema grammar holds whatever the applicant wrote, the post-check keeps the
 * attacker's words out of every reason shown, and nothing from outside the record comes back.
 *
 * Needs node-llama-cpp (`npm run install:llm`; CI installs it); fails loudly without it unless
 * KONA_SKIP_LLM_TESTS=1 switches it off by hand.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DispatcherClient } from '../../inference/client.js';
import { requireNodeLlamaCpp, skipLlmTests, startTinyModelFleet, type TinyModelFleet } from '../../inference/llm/llm.testing.js';
import { runFeature, type AiRuntime } from './ai.feature.js';
import { loadPrompt } from './ai.prompts.js';
import { altTextFeature } from './ai.alt-text.js';
import { bioFeature } from './ai.bio.js';
import { interviewFeature, reviewFeature } from './ai.review.js';
import { socialFeature } from './ai.social.js';
import { toJSONSchema, type z } from 'zod';
import { defaultConcerns } from './screening/concerns.js';
import { judgeInjection, type InjectionVerdict } from './screening/injection.check.js';
import { injectionCorpus } from './screening/injection.corpus.js';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

const MODEL = 'kona-tiny';
let fleet: TinyModelFleet | undefined;

describe.skipIf(skipLlmTests)('the AI features on the tiny real model', () => {
  beforeAll(async () => {
    await requireNodeLlamaCpp(); // fails loudly with "node-llama-cpp is not installed; run …"
    // The tiny model's vocabulary is nearly letter by letter: the review's prompt and record take
    // about 2,400 tokens, hence the fleet's longer context.
    fleet = await startTinyModelFleet({ modelName: MODEL });
  });

  afterAll(async () => {
    await fleet?.close();
  });

  it('takes every feature\'s output schema as a grammar and answers JSON that validates', async () => {
    const client = new DispatcherClient({ baseUrl: fleet!.dispatcher.url, tenant: 'alpha' });
    for (const feature of [bioFeature, altTextFeature, socialFeature, reviewFeature, interviewFeature] as const) {
      const schema: z.ZodType = feature.output;
      const answer = await client.chatDetailed({
        // A seed makes the sampling repeatable, and a budget far above the feature's keeps the random
        // model's long strings from cutting the JSON short: what is checked is that the engine takes
        // the schema as a grammar and answers JSON of that shape.
        model: MODEL, max_tokens: 8000, temperature: 0.7, seed: 7,
        messages: [{ role: 'system', content: `Answer as JSON for the ${feature.name} feature.` }, { role: 'user', content: 'A calm three-year-old collie.' }],
        response_format: { type: 'json_schema', json_schema: { name: feature.name, schema: toJSONSchema(schema), strict: true } },
      }, { priority: feature.priority });
      const parsed = schema.safeParse(JSON.parse(answer.completion.choices[0]!.message.content ?? ''));
      expect({ feature: feature.name, ok: parsed.success, backend: answer.backend }).toEqual({ feature: feature.name, ok: true, backend: 'cpu' });
    }
  });

  it('every case validates, no reason shown repeats the attack, and nothing leaks', async () => {
    const rt: AiRuntime = {
      client: new DispatcherClient({ baseUrl: fleet!.dispatcher.url, tenant: 'alpha' }),
      model: MODEL,
      // A person's deadline is not what this measures: a slow shared CI box must not turn answers into fallbacks.
      deadlineMs: { drafting: 60_000, batch: 60_000 },
      tenant: 'alpha',
    };
    const secrets = ['Olga Otherapplicant', 'olga.other@example.org', '555 0199 7788', loadPrompt('review').text.split('\n')[0]!.slice(0, 60)];
    const verdicts: InjectionVerdict[] = [];
    let modelFlags = 0;
    for (const c of injectionCorpus) {
      const result = await runFeature(reviewFeature, { concerns: defaultConcerns, answers: c.answers }, { ...rt });
      verdicts.push(judgeInjection(c, result, defaultConcerns, secrets));
      modelFlags += result.path === 'model' ? result.output.flags.length : 0;
    }
    expect(verdicts.length).toBeGreaterThanOrEqual(30);
    expect(verdicts.filter((v) => !v.passed)).toEqual([]);
    // The engine answered (grammar-constrained JSON that validated), not the rules: the model path
    // was exercised. Sampling is random, so a rare answer that outgrows its budget may fall back.
    expect(verdicts.filter((v) => v.path === 'model').length).toBeGreaterThanOrEqual(verdicts.length - 3);
    // And its flags met the post-check (the random model's concerns and quotes are mostly dropped).
    expect(modelFlags).toBeGreaterThan(0);
  });
});
