import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { settle } from '../../platform/clock/clock.testing.js';
import { countEvents, hasToken, nextOrAbort, parseRetryAfter, postJson, readText, usageOf } from './upstream.js';

let server: Server | undefined;
afterEach(async () => {
  if (server) await new Promise((r) => server!.close(r));
  server = undefined;
});

const chunk = (choice: object) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, finish_reason: null, ...choice }] })}\n\n`;

describe('hasToken (when a held stream may start)', () => {
  it('treats a role-only chunk, empty content and comments as preamble', () => {
    expect(hasToken(chunk({ delta: { role: 'assistant', content: '' } }))).toBe(false);
    expect(hasToken(chunk({ delta: { role: 'assistant', content: null } }) + ': keep-alive\n\n')).toBe(false);
    expect(hasToken('')).toBe(false);
  });

  it('starts on content, a tool call, a finish reason, usage, an error, [DONE] or anything unreadable', () => {
    expect(hasToken(chunk({ delta: { role: 'assistant', content: '' } }) + chunk({ delta: { content: 'Hi' } }))).toBe(true);
    expect(hasToken(chunk({ delta: { tool_calls: [{ index: 0 }] } }))).toBe(true);
    expect(hasToken(chunk({ delta: {}, finish_reason: 'stop' }))).toBe(true);
    expect(hasToken(`data: ${JSON.stringify({ choices: [], usage: { total_tokens: 1 } })}\n\n`)).toBe(true);
    expect(hasToken(`data: ${JSON.stringify({ error: { message: 'x' } })}\n\n`)).toBe(true);
    expect(hasToken('data: [DONE]\n\n')).toBe(true);
    expect(hasToken('data: not json\n\n')).toBe(true);
  });

  it('waits for an event to be complete, and reads CRLF framing', () => {
    expect(hasToken(chunk({ delta: { content: 'Hi' } }).trimEnd())).toBe(false);
    expect(hasToken(chunk({ delta: { content: 'Hi' } }).replace(/\n/g, '\r\n'))).toBe(true);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and ignores what it cannot read', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter('0', 0)).toBe(0);
    expect(parseRetryAfter(null, 0)).toBeUndefined();
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    // A date counts from the clock's now, so the answer is exact; a date already past means "now".
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    expect(parseRetryAfter(new Date(now + 10_000).toUTCString(), now)).toBe(10_000);
    expect(parseRetryAfter(new Date(now - 5_000).toUTCString(), now)).toBe(0);
  });
});

describe('postJson, readText and nextOrAbort', () => {
  async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const address = server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  }

  it('posts JSON with its length and reads the answer, headers included', async () => {
    let seen = '';
    const url = await listen((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen = `${req.headers['content-type']} ${req.headers['content-length']} ${req.headers.accept} ${body}`;
        res.writeHead(429, { 'retry-after': '3' }).end('{"error":{}}');
      });
    });
    const res = await postJson(url, '{"a":"é"}', 'application/json', new AbortController().signal);
    expect([res.status, res.header('Retry-After'), res.header('x-none')]).toEqual([429, '3', null]);
    expect(await readText(res.body, new AbortController().signal)).toBe('{"error":{}}');
    expect(seen).toBe('application/json 10 application/json {"a":"é"}');
  });

  it('fails a whole-body read when the connection breaks before the end', async () => {
    const url = await listen((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      // Cut once the partial body is on the wire.
      res.write('{"partial":', () => res.socket?.destroy());
    });
    const res = await postJson(url, '{}', 'application/json', new AbortController().signal);
    await expect(readText(res.body, new AbortController().signal)).rejects.toThrow();
  });

  it('fails once aborted even when the whole body had already arrived unread', async () => {
    const url = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let n = 0;
      const timer = setInterval(() => (++n < 5 ? res.write(`data: ${n}\n\n`) : (clearInterval(timer), res.end('data: [DONE]\n\n'))), 5);
    });
    const abort = new AbortController();
    const res = await postJson(url, '{}', 'text/event-stream', abort.signal);
    const it = res.body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    expect((await nextOrAbort(it, abort.signal)).done).toBe(false);
    // The rest arrives while nobody reads (polled: the server paces its writes on real timers).
    await vi.waitFor(() => expect(res.body.complete).toBe(true), { timeout: 10_000, interval: 10 });
    abort.abort();
    await expect(nextOrAbort(it, abort.signal)).rejects.toThrow('aborted');
  });

  it('rejects a read in progress when the signal aborts', async () => {
    const url = await listen((_req, res) => { res.writeHead(200, { 'content-type': 'text/event-stream' }); res.write(': open\n\n'); });
    const abort = new AbortController();
    const res = await postJson(url, '{}', 'text/event-stream', abort.signal);
    const it = res.body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    await nextOrAbort(it, abort.signal);
    const pending = nextOrAbort(it, abort.signal);
    await settle(); // the read is waiting on the socket
    abort.abort();
    await expect(pending).rejects.toThrow('aborted');
    server!.closeAllConnections();
  });
});

describe('usageOf and countEvents', () => {
  it('reads the token counts of a whole answer, an embeddings answer and a usage chunk', () => {
    const answer = JSON.stringify({ choices: [{ message: { content: 'say "completion_tokens": 999' } }], usage: { prompt_tokens: 12, completion_tokens: 34, total_tokens: 46, completion_tokens_details: null } });
    expect(usageOf(answer)).toEqual({ promptTokens: 12, outputTokens: 34 });
    expect(usageOf('{"data":[],"usage":{"prompt_tokens":7,"total_tokens":7}}')).toEqual({ promptTokens: 7, outputTokens: 0 });
    expect(usageOf('data: {"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":3}}\n\n')).toEqual({ promptTokens: 5, outputTokens: 3 });
    expect(usageOf('{"choices":[]}')).toBeUndefined();
  });

  it('counts the SSE events that start in a piece of a stream', () => {
    expect(countEvents('data: {"a":1}\n\ndata: {"b":2}\n\n')).toBe(2);
    expect(countEvents('{"text":"data: inside"}')).toBe(0);
    expect(countEvents('')).toBe(0);
  });
});
