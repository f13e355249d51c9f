import Fastify from 'fastify';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { databaseSwitching } from '../db/failover.js';
import { unconfirmedWrite } from '../db/unconfirmed.js';
import { KonaError } from '../errors/errors.js';
import { isRefusal } from './replies.js';
import { registerErrorHandling } from './errors.js';

/** A bare app whose one route ends in an unconfirmed write, with its log lines kept. */
function appWithUnconfirmedWrite() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const app = Fastify({ logger: { level: 'info', stream } });
  registerErrorHandling(app, () => ({ css: '/app.css', csrfToken: 'token', area: 'public' }));
  app.post('/notes', async () => {
    throw unconfirmedWrite();
  });
  return { app, lines };
}

describe('an unconfirmed write over HTTP', () => {
  it('is a 503 page saying the change may or may not be saved, and an indeterminate log line with the request id', async () => {
    const { app, lines } = appWithUnconfirmedWrite();
    const res = await app.inject({ method: 'POST', url: '/notes', headers: { accept: 'text/html' }, payload: { text: 'Biscuit' } });
    expect(res.statusCode).toBe(503);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('may or may not be saved');
    const line = lines.find((l) => l.outcome === 'indeterminate');
    expect(line).toMatchObject({ code: 'KONA_ERR_WRITE_UNCONFIRMED', status: 503, level: 40 });
    expect(typeof line?.reqId).toBe('string');
    expect(res.body).toContain(String(line?.reqId));
    expect(JSON.stringify(lines)).not.toContain('Biscuit');
    await app.close();
  });

  it('is problem+json with its code for API clients', async () => {
    const { app } = appWithUnconfirmedWrite();
    const res = await app.inject({ method: 'POST', url: '/notes', headers: { accept: 'application/json' } });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'KONA_ERR_WRITE_UNCONFIRMED', status: 503, detail: expect.stringContaining('may or may not be saved') });
    await app.close();
  });
});

describe('forms that re-show on a refusal', () => {
  it('re-show (keeping what was typed) on an unconfirmed write and on a switchover, not on a fault', () => {
    expect(isRefusal(unconfirmedWrite())).toBe(true);
    expect(isRefusal(databaseSwitching(new Error('Connection terminated unexpectedly')))).toBe(true);
    expect(isRefusal(new KonaError('KONA_ERR_INTERNAL', 'x'))).toBe(false);
  });
});
