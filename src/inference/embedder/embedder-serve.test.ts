/**
 * `kona embedder` as an operator runs it (the built binary) on the generated tiny CLIP folder, behind
 * the real dispatcher as a backend of kind `embedder`, reached through `DispatcherClient.embedImages`.
 * Also every kind of bad input answered 4xx with a message, and nothing of an image in the logs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock/clock.testing.js';
import { DispatcherClient, DispatcherClientError } from '../client.js';
import { startDispatcherServer, type RunningDispatcher } from '../dispatcher/server.js';
import { probeBackend } from '../health/probe.js';
import { MAX_IMAGE_BYTES, toDataUrl } from './data-url.js';
import { cosine, testImage, tinyModelDir } from './embedder.testing.js';
import { loadImageEmbedder } from './engine.js';

const root = path.resolve(import.meta.dirname, '../../..');
const cliJs = path.join(root, 'dist/src/apps/cli.js');
const MODEL = 'kona-tiny-clip';
const folder = tinyModelDir(MODEL);
const clock = new ManualClock(1_000);
let child: ChildProcess | undefined;
let output = '';
let url = '';
let dispatcher: RunningDispatcher | undefined;
let configDir = '';

/** Starts `kona embedder` and resolves with its URL once it says where it serves. */
function startEmbedder(): Promise<string> {
  const c = (child = spawn(process.execPath, [cliJs, 'embedder', '--model', folder.dir, '--port', '0', '--threads', '1'], {
    cwd: root, env: { PATH: process.env.PATH, KONA_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'],
  }));
  c.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  c.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve, reject) => {
    c.stdout!.on('data', () => {
      const match = /Kona embedder is serving (\S+) at (\S+)/.exec(output);
      if (match) resolve(match[2]!);
    });
    c.once('exit', (code) => reject(new Error(`kona embedder exited ${code} before serving:\n${output}`)));
  });
}

const post = (body: unknown, type = 'application/json') =>
  fetch(`${url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const image = (u: string) => ({ type: 'image_url', image_url: { url: u } });

beforeAll(async () => {
  url = await startEmbedder();
  configDir = mkdtempSync(path.join(tmpdir(), 'kona-embed-dispatch-'));
  const configFile = path.join(configDir, 'dispatcher.json');
  writeFileSync(configFile, JSON.stringify({
    backends: [{ name: 'clip', baseUrl: url, kind: 'embedder', tier: 'dedicated', models: [MODEL], slots: 1 }],
    probe: { intervalMs: 2000, timeoutMs: 1000 },
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
  folder.remove();
});

describe('kona embedder on the tiny CLIP model, through the dispatcher', () => {
  it('lists its model with the dimension, and passes the embedder kind\'s probe with its image canary', async () => {
    const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: Array<{ id: string; dimensions: number }> };
    expect(models.data.map((m) => [m.id, m.dimensions])).toEqual([[MODEL, 32]]);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect(await probeBackend({ name: 'clip', baseUrl: url, models: [MODEL], kind: 'embedder' }, { timeoutMs: 30_000, canary: true })).toEqual({ ok: true });
    // The chat canary other kinds get would fail here: an embedder serves no chat.
    expect(await probeBackend({ name: 'clip', baseUrl: url, models: [MODEL], kind: 'vllm' }, { timeoutMs: 30_000, canary: true })).toEqual({ ok: false, reason: 'canary: HTTP 404' });
  });

  it('embeds photos through DispatcherClient.embedImages: the engine\'s vectors, unit length, batch class', async () => {
    const client = new DispatcherClient({ baseUrl: dispatcher!.url, tenant: 'r1' });
    const a = await testImage({ background: '#c0392b', block: '#f1c40f', left: 5, top: 5 });
    const b = await testImage({ background: '#2c3e50', block: '#ecf0f1', left: 60, top: 40, format: 'png' });
    const result = await client.embedImages([a, toDataUrl(b), a], { model: MODEL });
    expect([result.model, result.dimension, result.backend, result.vectors.length]).toEqual([MODEL, 32, 'clip', 3]);
    expect(result.vectors[0]).toEqual(result.vectors[2]);
    expect(cosine(result.vectors[0]!, result.vectors[1]!)).toBeLessThan(0.99);
    for (const v of result.vectors) expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    // The same vectors as the engine in process gives for the same bytes.
    const direct = await loadImageEmbedder(folder.dir, { threads: 1 });
    const [expected] = await direct.embed([a]);
    await direct.close();
    result.vectors[0]!.forEach((x, i) => expect(x).toBeCloseTo(expected![i]!, 5));
    const metrics = await (await fetch(`${dispatcher!.url}/metrics`)).text();
    expect(metrics).toMatch(/kona_dispatcher_dispatched_total\{[^}]*class="batch"[^}]*\} [1-9]/);
  });

  it('refuses a bad image through the dispatcher with a 400 and a message, and an oversized one in the client', async () => {
    const client = new DispatcherClient({ baseUrl: dispatcher!.url, tenant: 'r1' });
    const err = await client.embedImages([Buffer.from('GIF89a but not really')], { model: MODEL }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DispatcherClientError);
    expect([(err as DispatcherClientError).status, (err as DispatcherClientError).code]).toEqual([400, 'invalid_image']);
    expect((err as Error).message).toMatch(/input 0: the image was refused/);
    await expect(client.embedImages([Buffer.alloc(MAX_IMAGE_BYTES + 1)], { model: MODEL })).rejects.toMatchObject({ status: 400, code: 'image_too_large' });
  });

  const jpeg = testImage({ background: '#123456', block: '#abcdef', left: 10, top: 10 });
  it.each([
    ['malformed JSON', async () => post('{"model": "kona-tiny-clip", "input": ['), /not valid JSON/],
    ['not JSON', async () => post('model=x', 'text/plain'), /application\/json/],
    ['no input', async () => post({ model: MODEL }), /input/],
    ['an empty list', async () => post({ model: MODEL, input: [] }), /input/],
    ['text instead of an image', async () => post({ model: MODEL, input: 'a brown dog' }), /images only/],
    ['a remote URL', async () => post({ model: MODEL, input: [image('https://example.com/dog.jpg')] }), /data URL/],
    ['a data URL without base64', async () => post({ model: MODEL, input: [image('data:image/png,abc')] }), /base64 data URL/],
    ['broken base64', async () => post({ model: MODEL, input: [image('data:image/jpeg;base64,@@@@')] }), /no valid base64/],
    ['a text file', async () => post({ model: MODEL, input: [image(`data:image/jpeg;base64,${Buffer.from('hello').toString('base64')}`)] }), /refused/],
    ['a truncated JPEG', async () => post({ model: MODEL, input: [image(toDataUrl((await jpeg).subarray(0, 200)))] }), /refused/],
    ['an image too large', async () => post({ model: MODEL, input: [image(`data:image/jpeg;base64,${Buffer.alloc(MAX_IMAGE_BYTES + 10).toString('base64')}`)] }), /larger than/],
    ['too many images', async () => post({ model: MODEL, input: Array.from({ length: 65 }, () => image('data:image/png;base64,AAAA')) }), /at most 64/],
    ['base64 output', async () => post({ model: MODEL, input: [image(toDataUrl(await jpeg))], encoding_format: 'base64' }), /float/],
  ])('%s: 4xx with a message, never a 5xx', async (_name, send, message) => {
    const res = await send();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(message);
  });

  it('answers 404 for another model, and keeps serving after every refusal', async () => {
    const res = await post({ model: 'other', input: [image(toDataUrl(await jpeg))] });
    expect(res.status).toBe(404);
    const ok = await post({ model: MODEL, input: [image(toDataUrl(await jpeg))] });
    expect(ok.status).toBe(200);
  });

  it('logs counts and timings, never an image', async () => {
    const secret = await testImage({ background: '#010203', block: '#040506', left: 1, top: 1, format: 'png' });
    const dataUrl = toDataUrl(secret);
    expect((await post({ model: MODEL, input: [image(dataUrl)] })).status).toBe(200);
    expect((await post({ model: MODEL, input: [image(dataUrl.slice(0, 120))] })).status).toBe(400);
    expect(output).toMatch(/embedder embeddings/);
    expect(output).toMatch(/embedder refused an image/);
    expect(output).not.toContain(dataUrl.slice(30, 90));
    expect(output).not.toContain('base64');
  });
});
