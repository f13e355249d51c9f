import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { hasToken, parseRetryAfter, readOrAbort } from './upstream.js';

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
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const inTen = parseRetryAfter(new Date(Date.now() + 10_000).toUTCString())!;
    expect(inTen).toBeGreaterThan(8000);
    expect(inTen).toBeLessThanOrEqual(10_000);
  });
});

describe('readOrAbort', () => {
  it('fails once aborted even when the whole body had already arrived unread', async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let n = 0;
      const timer = setInterval(() => (++n < 5 ? res.write(`data: ${n}\n\n`) : (clearInterval(timer), res.end('data: [DONE]\n\n'))), 5);
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const address = server.address();
    const abort = new AbortController();
    const res = await fetch(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`, { signal: abort.signal });
    const reader = res.body!.getReader();
    expect((await readOrAbort(reader, abort.signal)).done).toBe(false);
    await new Promise((r) => setTimeout(r, 100)); // the rest arrives while nobody reads
    abort.abort();
    await expect(readOrAbort(reader, abort.signal)).rejects.toThrow('aborted');
  });

  it('rejects a read in progress when the signal aborts', async () => {
    server = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/event-stream' }); res.write(': open\n\n'); });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const address = server.address();
    const abort = new AbortController();
    const res = await fetch(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`, { signal: abort.signal });
    const reader = res.body!.getReader();
    await readOrAbort(reader, abort.signal);
    const pending = readOrAbort(reader, abort.signal);
    setTimeout(() => abort.abort(), 50);
    await expect(pending).rejects.toThrow();
    server.closeAllConnections();
  });
});
