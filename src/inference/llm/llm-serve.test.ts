/**
 * The real CPU engine end to end: `kona llm-serve` (the built binary, as an operator runs it) on the
 * generated tiny GGUF, llama.cpp through node-llama-cpp with one thread, and the real dispatcher in
 * front of it as a backend of kind `llamacpp`. Structured output is grammar-constrained by the engine,
 * so even a model with random weights answers JSON that validates against the schema.
 *
 * These tests need node-llama-cpp (`npm run install:llm`; CI installs it). Without it they fail with
 * the install command, unless KONA_SKIP_LLM_TESTS=1 switches them off by hand.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManualClock } from '../../platform/clock/clock.testing.js';
import { DispatcherClient } from '../client.js';
import { startDispatcherServer, type RunningDispatcher } from '../dispatcher/server.js';
import { slotsFromLlamacpp } from '../signals/kinds.js';
import { waitFor } from '../simulator/simulator.testing.js';
import { removeTinyModel, requireNodeLlamaCpp, skipLlmTests, tinyModelFile } from './llm.testing.js';

const root = path.resolve(import.meta.dirname, '../../..');
const cliJs = path.join(root, 'dist/src/apps/cli.js');
const MODEL = 'kona-tiny';
/** A marker in every prompt: it must never reach the logs. */
const SECRET = 'applicant-Zq7-private-answer';

const dogSchema = z.object({
  size: z.enum(['small', 'medium', 'large']),
  goodWithCats: z.boolean(),
  nickname: z.string().max(12),
  vaccinated: z.boolean().nullable(),
}).strict();
/** The schema as a feature sends it: written by zod (its nullable is an anyOf). */
const dogJsonSchema = z.toJSONSchema(dogSchema);

let child: ChildProcess | undefined;
let output = '';
let llmUrl = '';
let dispatcher: RunningDispatcher | undefined;
let configDir = '';
const clock = new ManualClock(1_000);

/** Starts `kona llm-serve` and resolves with its URL once it says where it serves. */
function startLlmServe(model: string): Promise<string> {
  child = spawn(process.execPath, [cliJs, 'llm-serve', '--model', model, '--port', '0', '--threads', '1', '--context', '1024'], {
    cwd: root, env: { PATH: process.env.PATH, KONA_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const c = child;
  c.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  c.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve, reject) => {
    const onData = () => {
      const match = /Kona llm-serve is serving \S+ at (\S+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    c.stdout!.on('data', onData);
    c.once('exit', (code) => reject(new Error(`kona llm-serve exited ${code} before serving:\n${output}`)));
  });
}

function post(body: object, base = llmUrl): Promise<Response> {
  return fetch(`${base}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

const ask = (content: string) => [{ role: 'system' as const, content: 'You describe dogs as JSON.' }, { role: 'user' as const, content }];

describe.skipIf(skipLlmTests)('kona llm-serve on the tiny real model', () => {
  beforeAll(async () => {
    await requireNodeLlamaCpp(); // fails loudly with "node-llama-cpp is not installed; run …"
    llmUrl = await startLlmServe(tinyModelFile());
    configDir = mkdtempSync(path.join(tmpdir(), 'kona-llm-dispatch-'));
    const configFile = path.join(configDir, 'dispatcher.json');
    writeFileSync(configFile, JSON.stringify({
      backends: [{ name: 'cpu', baseUrl: llmUrl, kind: 'llamacpp', tier: 'dedicated', models: [MODEL], slots: 1 }],
      probe: { intervalMs: 2000, timeoutMs: 1000 },
      reserve: { drafting: 0, batch: 0 },
      // The dispatcher's limits run on the test's clock: a loaded machine cannot time them out.
      timeouts: { firstTokenMs: 60_000, responseMs: 60_000, streamIdleMs: 60_000 },
    }));
    dispatcher = await startDispatcherServer({ configFile, defaultMetrics: false, dispatcher: { monitor: false, clock } });
  });

  afterAll(async () => {
    if (dispatcher) {
      const closing = dispatcher.close();
      clock.advance(0);
      await closing;
    }
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    if (configDir) rmSync(configDir, { recursive: true, force: true });
    removeTinyModel();
  });

  it('answers a json_schema request through the dispatcher client (drafting) with JSON that validates', async () => {
    const client = new DispatcherClient({ baseUrl: dispatcher!.url, tenant: 'r1' });
    const answer = await client.chat({
      model: MODEL, messages: ask(`Describe Rex. ${SECRET}`), max_tokens: 120, temperature: 0.8, seed: 7,
      response_format: { type: 'json_schema', json_schema: { name: 'dog', schema: dogJsonSchema } },
    }, { priority: 'drafting' });
    const content = answer.choices[0]!.message.content!;
    expect(dogSchema.safeParse(JSON.parse(content)).success).toBe(true);
    expect(answer.choices[0]!.finish_reason).toBe('stop');
    expect(answer.usage!.prompt_tokens).toBeGreaterThan(10);
    expect(answer.usage!.completion_tokens).toBeGreaterThan(5);
    expect(answer.usage!.total_tokens).toBe(answer.usage!.prompt_tokens + answer.usage!.completion_tokens!);
  });

  it('streams SSE chunks through the dispatcher, and the streamed JSON validates', async () => {
    const client = new DispatcherClient({ baseUrl: dispatcher!.url, tenant: 'r1' });
    const pieces: string[] = [];
    let finish: string | null = null;
    const format = { type: 'json_schema', json_schema: { name: 'dog', schema: dogJsonSchema } };
    for await (const chunk of client.chatStream({ model: MODEL, messages: ask(`Rex as JSON. ${SECRET}`), max_tokens: 150, seed: 3, response_format: format }, { priority: 'interactive' })) {
      const choice = chunk.choices[0];
      if (choice?.delta.content) pieces.push(choice.delta.content);
      if (choice?.finish_reason) finish = choice.finish_reason;
    }
    expect(pieces.length).toBeGreaterThan(3);
    expect(finish).toBe('stop');
    expect(dogSchema.safeParse(JSON.parse(pieces.join(''))).success).toBe(true);
  });

  it('honours max_tokens (finish_reason length), seed (same seed, same text) and stop', async () => {
    const body = { model: MODEL, messages: ask(`Say anything. ${SECRET}`), max_tokens: 12, temperature: 1, seed: 42 };
    const [a, b] = await Promise.all([post(body), post(body)]); // one slot: the second waits in the queue
    const [ja, jb] = [await a.json(), await b.json()] as Array<{ choices: Array<{ message: { content: string }; finish_reason: string }>; usage: { completion_tokens: number } }>;
    expect(ja!.choices[0]!.message.content).toBe(jb!.choices[0]!.message.content);
    if (ja!.choices[0]!.finish_reason === 'length') expect(ja!.usage.completion_tokens).toBe(12);
    else expect(ja!.usage.completion_tokens).toBeLessThan(12);
    // A stop string the grammar forces: the JSON's opening brace ends the answer before it is written.
    const stopped = await (await post({ ...body, stop: ['{'], response_format: { type: 'json_object' } })).json() as { choices: Array<{ message: { content: string }; finish_reason: string }> };
    expect(stopped.choices[0]!.message.content).not.toContain('{');
    expect(stopped.choices[0]!.finish_reason).toBe('stop');
  });

  it('stops generating and frees the slot when a streaming client goes away', async () => {
    const abort = new AbortController();
    const res = await fetch(`${llmUrl}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, signal: abort.signal,
      body: JSON.stringify({ model: MODEL, messages: ask(`Go on and on. ${SECRET}`), max_tokens: 900, temperature: 0, stream: true }),
    });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('"content":"') || text.split('data:').length < 4) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`the stream ended before the client left: ${text}`);
      text += new TextDecoder().decode(value);
    }
    abort.abort();
    await waitFor(() => /"finish":"cancelled"/.test(output));
    const line = JSON.parse(output.split('\n').find((l) => l.includes('"finish":"cancelled"'))!) as { completionTokens: number };
    expect(line.completionTokens).toBeLessThan(900);
    expect(slotsFromLlamacpp(await (await fetch(`${llmUrl}/slots`)).json())).toEqual({ ok: true, value: { slots: 1, busy: 0 } });
  });

  it('gives clear 4xx answers to bad input', async () => {
    const cases: Array<[object, number, RegExp]> = [
      [{ model: MODEL }, 400, /messages/],
      [{ model: MODEL, messages: [] }, 400, /messages/],
      [{ model: MODEL, messages: ask('x'), temperature: 5 }, 400, /temperature/],
      [{ model: MODEL, messages: ask('x'), response_format: { type: 'json_schema' } }, 400, /response_format/],
      [{ model: MODEL, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:,' } }] }] }, 400, /only text parts/],
      [{ model: MODEL, messages: [{ role: 'assistant', content: 'hi' }] }, 400, /last message must be from the user/],
      [{ model: MODEL, messages: ask('x'), response_format: { type: 'json_schema', json_schema: { schema: { type: 'object', properties: { a: { type: 'no-such-type' } } } } } }, 400, /JSON schema/],
      [{ model: 'other', messages: ask('x') }, 404, /does not exist/],
    ];
    for (const [body, status, message] of cases) {
      const res = await post(body);
      const json = (await res.json()) as { error?: { message: string } };
      expect({ status: res.status, message: json.error?.message, body }).toEqual({ status, message: expect.stringMatching(message), body });
    }
  });

  it('serves /health, /v1/models and llama.cpp-shaped /slots that the dispatcher reads', async () => {
    expect(await (await fetch(`${llmUrl}/health`)).json()).toEqual({ status: 'ok' });
    const models = (await (await fetch(`${llmUrl}/v1/models`)).json()) as { data: Array<{ id: string; max_model_len: number }> };
    expect(models.data.map((m) => [m.id, m.max_model_len])).toEqual([[MODEL, 1024]]);
    expect(slotsFromLlamacpp(await (await fetch(`${llmUrl}/slots`)).json())).toEqual({ ok: true, value: { slots: 1, busy: 0 } });
    // The dispatcher's own poller reads them as kind llamacpp: the server's slot count reaches the router.
    await dispatcher!.dispatcher.signals.pollAll();
    expect(dispatcher!.dispatcher.loads()[0]!.signals).toMatchObject({ slots: 1, running: 0, waiting: 0 });
  });

  it('keeps prompts and answers out of its logs', () => {
    expect(output).toContain('llm-serve chat completion');
    expect(output).not.toContain(SECRET);
    expect(output).not.toContain('Rex');
    expect(output).not.toContain('nickname');
  });
});

describe('kona llm-serve arguments', () => {
  const kona = (...args: string[]) => new Promise<{ code: number | null; stderr: string }>((resolve) => {
    execFile(process.execPath, [cliJs, ...args], { cwd: root, env: { PATH: process.env.PATH }, timeout: 30_000 }, (err, _stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stderr }));
  });

  it('refuses a missing model file and bad numbers with a clear message', async () => {
    expect(await kona('llm-serve', '--model', '/nonexistent/model.gguf')).toEqual({ code: 1, stderr: '--model: no file at /nonexistent/model.gguf\n' });
    expect(await kona('llm-serve', '--model', cliJs, '--threads', '-1')).toEqual({ code: 1, stderr: '--threads must be a whole number of at least 0\n' });
    expect(await kona('llm-serve', '--model', cliJs, '--slots', '0')).toEqual({ code: 1, stderr: '--slots must be a whole number of at least 1\n' });
  });
});
