/**
 * Malformed client requests get OpenAI-style error bodies with the right status from the real HTTP
 * dispatcher, and never reach a backend; a backend's own 4xx for a request is passed through, not retried.
 */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { chatVia, finishedCounts, metricsOf, metricSum, quickConfig, startFleet, type Fleet } from './dispatcher.testing.js';

let fleet: Fleet | undefined;
let extra: Server | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
  if (extra) await new Promise((r) => extra!.close(r));
  extra = undefined;
});

type ErrorBody = { error: { message: string; type: string; code: string; param: null } };

const good = { model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 };

/** A raw POST to the dispatcher. */
function post(f: Fleet, path: string, body: string | undefined, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<Response> {
  return fetch(`${f.dispatcher.url}${path}`, { method: 'POST', headers, body });
}

const cases: Array<[string, (f: Fleet) => Promise<Response>, number, string, RegExp]> = [
  ['invalid JSON', (f) => post(f, '/v1/chat/completions', '{"model": "m",'), 400, 'invalid_request', /^the body is not valid JSON$/],
  ['an empty JSON body', (f) => post(f, '/v1/chat/completions', ''), 400, 'invalid_request', /^the body is empty; send a JSON object$/],
  ['no body and no content type', (f) => post(f, '/v1/chat/completions', undefined, {}), 400, 'invalid_request', /^body: /],
  ['a JSON body sent as text/plain', (f) => post(f, '/v1/chat/completions', JSON.stringify(good), { 'content-type': 'text/plain' }), 415, 'invalid_request', /^send the body as application\/json$/],
  ['an application/xml body', (f) => post(f, '/v1/chat/completions', '<chat/>', { 'content-type': 'application/xml' }), 415, 'invalid_request', /^send the body as application\/json$/],
  ['a JSON array', (f) => post(f, '/v1/chat/completions', '[]'), 400, 'invalid_request', /^body: /],
  ['a missing model', (f) => chatVia(f.dispatcher, { model: undefined }), 400, 'invalid_request', /^model: /],
  ['messages not a list', (f) => chatVia(f.dispatcher, { messages: 'hello' }), 400, 'invalid_request', /^messages: /],
  ['an empty messages list', (f) => chatVia(f.dispatcher, { messages: [] }), 400, 'invalid_request', /^messages: /],
  ['a message without a role', (f) => chatVia(f.dispatcher, { messages: [{ content: 'hi' }] }), 400, 'invalid_request', /^messages\.0\.role: /],
  ['max_tokens of 0', (f) => chatVia(f.dispatcher, { max_tokens: 0 }), 400, 'invalid_request', /^max_tokens: /],
  ['a fractional max_tokens', (f) => chatVia(f.dispatcher, { max_tokens: 2.5 }), 400, 'invalid_request', /^max_tokens: /],
  ['a text max_tokens', (f) => chatVia(f.dispatcher, { max_tokens: '5' }), 400, 'invalid_request', /^max_tokens: /],
  ['stream not a boolean', (f) => chatVia(f.dispatcher, { stream: 'yes' }), 400, 'invalid_request', /^stream: /],
  ['an unknown model', (f) => chatVia(f.dispatcher, { model: 'gpt-9' }), 404, 'model_not_found', /^no backend serves the model "gpt-9"$/],
  ['a bad X-Kona-Priority', (f) => chatVia(f.dispatcher, {}, { 'x-kona-priority': 'urgent' }), 400, 'invalid_request', /^X-Kona-Priority must be one of interactive, drafting, batch$/],
  ['a bad X-Kona-Tenant', (f) => chatVia(f.dispatcher, {}, { 'x-kona-tenant': 'Paws & Co' }), 400, 'invalid_request', /^X-Kona-Tenant must be a rescue slug/],
  ['a body over the limit', (f) => chatVia(f.dispatcher, { messages: [{ role: 'user', content: 'x'.repeat(5000) }] }), 413, 'invalid_request', /^the body is larger than 4096 bytes$/],
  ['embeddings without input', (f) => post(f, '/v1/embeddings', JSON.stringify({ model: 'm' })), 400, 'invalid_request', /^input: /],
  ['embeddings for an unknown model', (f) => post(f, '/v1/embeddings', JSON.stringify({ model: 'nope', input: 'a' })), 404, 'model_not_found', /nope/],
  ['an unknown route', (f) => post(f, '/v1/completions', JSON.stringify(good)), 404, 'not_found', /^no route for POST \/v1\/completions$/],
  ['an unknown GET route', (f) => fetch(`${f.dispatcher.url}/v2/models?x=1`), 404, 'not_found', /^no route for GET \/v2\/models$/],
];

describe('malformed client requests', () => {
  it.each(cases)('%s: OpenAI-style error, nothing sent to a backend', async (_name, send, status, code, message) => {
    const f = (fleet = await startFleet({ count: 1, config: (sims) => quickConfig(sims), server: { bodyLimit: 4096 } }));
    const res = await send(f);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = (await res.json()) as ErrorBody;
    expect(body).toEqual({ error: { message: expect.stringMatching(message), type: 'invalid_request_error', code, param: null } });
    expect(metricSum(await metricsOf(f.dispatcher), 'kona_dispatcher_dispatched_total')).toBe(0);
    expect(finishedCounts(f.sims)).toEqual([0]);
    // The dispatcher is unharmed: a good request right after is served.
    expect((await chatVia(f.dispatcher)).status).toBe(200);
  });
});

describe("a backend's own 4xx", () => {
  it('is passed through as the backend said it, not retried elsewhere (but a 404 is)', async () => {
    let hits = 0;
    let answer: { status: number; type: string; body: string } = {
      status: 400,
      type: 'application/json',
      body: JSON.stringify({ error: { message: 'This model\'s maximum context length is 8 tokens', type: 'invalid_request_error', code: 'context_length_exceeded', param: 'messages' } }),
    };
    extra = createServer((req, res) => {
      if (req.url === '/v1/chat/completions') hits++;
      req.resume();
      res.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body);
    });
    await new Promise<void>((r) => extra!.listen(0, '127.0.0.1', r));
    const address = extra.address();
    const strictUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const f = (fleet = await startFleet({
      count: 1,
      config: (sims) => {
        const cfg = quickConfig(sims, {}, [{ tier: 'shared' }]);
        return { ...cfg, backends: [{ name: 'strict', baseUrl: strictUrl, kind: 'openai', tier: 'dedicated', models: ['m'], slots: 2 }, ...(cfg.backends as object[])] };
      },
    }));

    for (const stream of [false, true]) {
      const res = await chatVia(f.dispatcher, { stream });
      expect(res.status).toBe(400);
      expect(await res.text()).toBe(answer.body);
    }
    expect(hits).toBe(2);

    // A 4xx without a JSON body is wrapped in an OpenAI error body.
    answer = { status: 400, type: 'text/plain', body: 'no' };
    const res = await chatVia(f.dispatcher);
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error).toEqual({
      message: 'the model server refused the request (HTTP 400)', type: 'invalid_request_error', code: 'invalid_request', param: null,
    });
    expect(hits).toBe(3);

    expect(finishedCounts(f.sims)).toEqual([0]); // never retried on the healthy sim
    const metrics = await metricsOf(f.dispatcher);
    expect(metricSum(metrics, 'kona_dispatcher_retries_total')).toBe(0);
    expect(metricSum(metrics, 'kona_dispatcher_requests_total', { outcome: 'client_error' })).toBe(3);
    const status = (await (await fetch(`${f.dispatcher.url}/status`)).json()) as { backends: Array<{ name: string; state: string }> };
    expect(status.backends[0]).toMatchObject({ name: 'strict', state: 'closed' }); // the request was at fault, not the backend

    // A 404 for a configured model is the backend's problem (model not loaded): the sim serves it instead.
    answer = { status: 404, type: 'application/json', body: JSON.stringify({ error: { message: 'The model `m` does not exist.', type: 'invalid_request_error', code: 'model_not_found', param: null } }) };
    const moved = await chatVia(f.dispatcher);
    expect(moved.status).toBe(200);
    await moved.text();
    expect(hits).toBe(4);
    expect(finishedCounts(f.sims)).toEqual([1]);
    expect(metricSum(await metricsOf(f.dispatcher), 'kona_dispatcher_failovers_total')).toBe(1);
  });

  it("answers 502, not the backend's 404, when no backend has a configured model", async () => {
    // b0 claims "ghost" as well; the sim behind it only has "m" and answers 404 model_not_found.
    const f = (fleet = await startFleet({ count: 2, config: (sims) => quickConfig(sims, {}, [{ models: ['m', 'ghost'] }, { models: ['m', 'ghost'] }]) }));
    const res = await chatVia(f.dispatcher, { model: 'ghost' });
    expect(res.status).toBe(502);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('backend_failed');
    expect(body.error.message).toBe('no backend answered after 2 attempts; last: b1 cannot serve it (HTTP 404; check its configuration)');
    const metrics = await metricsOf(f.dispatcher);
    expect(metricSum(metrics, 'kona_dispatcher_failovers_total')).toBe(1);
    expect(metricSum(metrics, 'kona_dispatcher_dispatched_total')).toBe(2);
    expect(metricSum(metrics, 'kona_dispatcher_requests_total', { outcome: 'client_error' })).toBe(0);
  });
});
