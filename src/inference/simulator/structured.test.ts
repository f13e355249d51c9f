import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startSimBackend, type RunningSimBackend } from './server.js';
import { chat, setFaults } from './simulator.testing.js';
import { sampleFor } from './structured.js';

const fast = { slots: 2, baseStepMs: 1, alpha: 0.1, prefillMsPerToken: 0.001, kvTokenBudget: 100_000 };
const output = z.strictObject({
  bio: z.string().min(40).max(300),
  tone: z.enum(['warm', 'short', 'funny']),
  posts: z.array(z.strictObject({ platform: z.literal('x'), text: z.string().max(20) })).min(2),
  score: z.number().int().min(3),
  ok: z.boolean(),
});
const responseFormat = { type: 'json_schema', json_schema: { name: 'out', schema: z.toJSONSchema(output), strict: true } };
let sim: RunningSimBackend;

beforeAll(async () => { sim = await startSimBackend({ timing: fast, modelName: 'm' }); });
afterAll(async () => { await sim.close(); });

describe('simulated backend: structured output and image parts', () => {
  it('answers a json_schema response format with JSON valid for the schema', async () => {
    const res = await chat(sim, { response_format: responseFormat });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.choices[0].finish_reason).toBe('stop');
    expect(output.safeParse(JSON.parse(body.choices[0].message.content)).success).toBe(true);
  });

  it('accepts image parts in a content array and counts them as prompt tokens', async () => {
    const image = { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } };
    const withImage = await chat(sim, { messages: [{ role: 'user', content: [{ type: 'text', text: 'describe' }, image] }], response_format: responseFormat });
    const plain = await chat(sim, { messages: [{ role: 'user', content: [{ type: 'text', text: 'describe' }] }] });
    expect(withImage.status).toBe(200);
    const [a, b] = [await withImage.json(), await plain.json()];
    expect(a.usage.prompt_tokens - b.usage.prompt_tokens).toBeGreaterThanOrEqual(256);
    expect(output.safeParse(JSON.parse(a.choices[0].message.content)).success).toBe(true);
  });

  it('answers broken JSON under the badJson fault, for tests of the repair path', async () => {
    await setFaults(sim, { badJson: true });
    try {
      const body = await (await chat(sim, { response_format: responseFormat })).json();
      expect(() => JSON.parse(body.choices[0].message.content)).toThrow();
    } finally {
      await setFaults(sim, {});
    }
  });

  it('says a scripted reply word by word under replyText, streamed or whole, and ends it with stop', async () => {
    const replyText = 'Biscuit is not good with cats. [profile-5]';
    await setFaults(sim, { replyText });
    try {
      const whole = await (await chat(sim, { max_tokens: 100 })).json();
      expect(whole.choices[0]).toMatchObject({ message: { content: replyText }, finish_reason: 'stop' });
      const cut = await (await chat(sim, { max_tokens: 2 })).json();
      expect(cut.choices[0]).toMatchObject({ message: { content: 'Biscuit is' }, finish_reason: 'length' });
      const sse = await (await chat(sim, { max_tokens: 100, stream: true })).text();
      const deltas = sse.split('\n\n').filter((e) => e.startsWith('data: {')).map((e) => JSON.parse(e.slice(6)).choices[0]);
      expect(deltas.map((d) => d.delta.content ?? '').join('')).toBe(replyText);
      expect(deltas.filter((d) => d.delta.content).length).toBe(7);
      expect(deltas.at(-1).finish_reason).toBe('stop');
    } finally {
      await setFaults(sim, {});
    }
  });

  it('fills nested schemas deterministically', () => {
    const schema = z.toJSONSchema(output) as Parameters<typeof sampleFor>[0];
    expect(sampleFor(schema)).toEqual(sampleFor(schema));
  });
});
