import fs from 'node:fs';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildWebApp } from '../../src/apps/web.js';
import { buildServer } from '../../src/platform/http/server.js';
import { Browser, createTestApp, csrfFrom, type TestApp } from '../harness/app.js';
import { engines } from '../harness/databases.js';

const SLUG = 'alpha';
const json = { accept: 'application/json' };

/** A plugin whose route fails the way a bug would, with something secret in the message. */
const failing: FastifyPluginAsync = async (app) => {
  app.get('/boom', { config: { permission: 'public' } }, async () => {
    throw new Error('connection to postgres://kona:hunter2@db/kona failed');
  });
};

/**
 * Captures what is written to file descriptor 1 until stopped. pino writes its lines straight to
 * fd 1 through sonic-boom (fs.write / fs.writeSync), not through process.stdout.write, and
 * buildServer offers no way to hand it another stream, so this is where its lines can be seen.
 */
function captureFd1() {
  const chunks: string[] = [];
  const write = fs.write;
  const writeSync = fs.writeSync;
  const fd = process.stdout.fd ?? 1;
  const mine = (target: unknown) => target === fd || target === 1;
  const text = (data: unknown) => (typeof data === 'string' ? data : Buffer.from(data as Uint8Array).toString('utf8'));
  const patchable = fs as unknown as Record<'write' | 'writeSync', (...args: unknown[]) => unknown>;
  patchable.writeSync = (target: unknown, data: unknown, ...rest: unknown[]) => {
    if (!mine(target)) return (writeSync as (...args: unknown[]) => unknown)(target, data, ...rest);
    chunks.push(text(data));
    return Buffer.byteLength(text(data));
  };
  patchable.write = (target: unknown, data: unknown, ...rest: unknown[]) => {
    if (!mine(target)) return (write as (...args: unknown[]) => unknown)(target, data, ...rest);
    chunks.push(text(data));
    const done = rest.at(-1) as (err: null, n: number) => void;
    process.nextTick(done, null, Buffer.byteLength(text(data)));
  };
  return {
    /** The JSON log lines written so far. */
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    text: () => chunks.join(''),
    stop: () => {
      patchable.write = write as never;
      patchable.writeSync = writeSync as never;
    },
  };
}

describe.each(engines)('errors and logs on %s', (engine) => {
  let t: TestApp;
  let failingApp: FastifyInstance;

  beforeAll(async () => {
    t = await createTestApp(engine, { KONA_LOG_LEVEL: 'info' });
    await t.addTenant(SLUG);
    failingApp = await buildServer(t.rt.ctx, { root: [failing], tenant: [failing] }, { logger: false });
  });
  afterAll(async () => {
    await failingApp?.close();
    await t?.close();
  });

  it('answers an unknown path with a helpful 404 page, or problem+json when asked for JSON', async () => {
    const page = await t.app.inject({ url: '/no/such/page' });
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('There is no page at this address');
    expect(page.body).toContain('href="/"');
    const inTenant = await t.app.inject({ url: `/r/${SLUG}/no/such/page` });
    expect(inTenant.statusCode).toBe(404);
    expect(inTenant.body).toContain('There is no page at this address');
    // Inside a rescue's site the page keeps that rescue's frame and links to its home.
    expect(inTenant.body).toContain(`href="/r/${SLUG}/"`);
    const noRescue = await t.app.inject({ url: '/r/no-such-rescue/hub' });
    expect(noRescue.statusCode).toBe(404);
    expect(noRescue.body).toContain('There is no rescue at this address');

    const problem = await t.app.inject({ url: '/no/such/page', headers: { ...json, 'x-request-id': 'notfound-0001' } });
    expect(problem.statusCode).toBe(404);
    expect(problem.headers['content-type']).toContain('application/problem+json');
    expect(problem.json()).toMatchObject({ status: 404, code: 'KONA_ERR_NOT_FOUND', requestId: 'notfound-0001', title: 'Not found' });
    expect(problem.json().detail).toMatch(/Check the link/);
  });

  it('answers a malformed JSON body with 400, not 500', async () => {
    for (const url of [`/r/${SLUG}/hub/sign-in`, '/operator/sign-in']) {
      const res = await t.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...json }, payload: '{"email": "x",' });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().code).toBe('KONA_ERR_BAD_REQUEST');
    }
    const page = await t.app.inject({ method: 'POST', url: `/r/${SLUG}/hub/sign-in`, headers: { 'content-type': 'application/json' }, payload: '{' });
    expect(page.statusCode).toBe(400);
    expect(page.headers['content-type']).toContain('text/html');
  });

  it('answers a body over 1 MiB with 413, and an unknown content type with a 4xx', async () => {
    const big = `note=${'x'.repeat(1024 * 1024)}`;
    const res = await t.app.inject({ method: 'POST', url: `/r/${SLUG}/hub/sign-in`, headers: { 'content-type': 'application/x-www-form-urlencoded', ...json }, payload: big });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('KONA_ERR_PAYLOAD_TOO_LARGE');
    const odd = await t.app.inject({ method: 'POST', url: `/r/${SLUG}/hub/sign-in`, headers: { 'content-type': 'application/xml' }, payload: '<a/>' });
    expect(odd.statusCode).toBeGreaterThanOrEqual(400);
    expect(odd.statusCode).toBeLessThan(500);
  });

  it('answers an unexpected exception with a 500 page that has the request id and no internals', async () => {
    for (const url of ['/boom', `/r/${SLUG}/boom`]) {
      const page = await failingApp.inject({ url, headers: { 'x-request-id': 'boom-req-0001' } });
      expect(page.statusCode, url).toBe(500);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.body).toContain('Something went wrong on our side');
      expect(page.body).toContain('boom-req-0001');
      expect(page.body).not.toMatch(/hunter2|postgres:\/\/|Error:|\bat .+:\d+:\d+|\.ts\b|node_modules/);

      const problem = await failingApp.inject({ url, headers: { ...json, 'x-request-id': 'boom-req-0002' } });
      expect(problem.statusCode).toBe(500);
      expect(problem.json()).toMatchObject({ code: 'KONA_ERR_INTERNAL', requestId: 'boom-req-0002' });
      expect(problem.json()).not.toHaveProperty('stack');
      expect(problem.body).not.toMatch(/hunter2|postgres:\/\/|\bat .+:\d+:\d+/);
    }
    // A request id that is not a plain token is replaced, never echoed into the page.
    const hostile = await failingApp.inject({ url: '/boom', headers: { 'x-request-id': '<script>alert(1)</script>' } });
    expect(hostile.body).not.toContain('<script>alert');
    expect(hostile.body).toMatch(/<code>[0-9a-f-]{36}<\/code>/);
  });

  it('logs request ids but no emails, names, passwords, cookies, CSRF tokens or query strings', async () => {
    const logged = await buildWebApp(t.rt);
    const capture = captureFd1();
    const secrets: string[] = [];
    try {
      const name = 'Zelda Quillfeather';
      const who = await t.addStaff(SLUG, 'admin', { name, email: 'zelda.quill@example.org', password: 'a very secret passphrase 42' });
      const newPassword = 'an even more secret passphrase 43';
      const inviteToken = 'InviteTokenXyZ0123456789abcdefgh';
      secrets.push(who.email, 'zelda.quill', name, who.password, newPassword, 'QuerySecret987', inviteToken);
      const b = new Browser(logged);
      const remember = () => secrets.push(...Object.values(b.cookies()));

      const signInPage = await b.get(`/r/${SLUG}/hub/sign-in?next=/r/${SLUG}/hub&token=QuerySecret987`, { 'x-request-id': 'logcheck-page-0001' });
      const csrf = csrfFrom(signInPage.body);
      secrets.push(csrf);
      remember();
      expect((await b.post(`/r/${SLUG}/hub/sign-in`, { _csrf: csrf, email: who.email, password: 'wrong but secret 44' })).statusCode).toBe(401);
      secrets.push('wrong but secret 44');
      const signIn = await b.post(`/r/${SLUG}/hub/sign-in`, { _csrf: csrf, email: who.email, password: who.password }, { 'x-request-id': 'logcheck-signin-0001' });
      expect(signIn.statusCode).toBe(303);
      remember();
      const csrf2 = await b.csrf(`/r/${SLUG}/hub/account/password`);
      secrets.push(csrf2);
      const changed = await b.post(`/r/${SLUG}/hub/account/password`, { _csrf: csrf2, current: who.password, password: newPassword, confirm: newPassword }, { 'x-request-id': 'logcheck-password-01' });
      expect(changed.statusCode).toBe(200);
      remember();
      await b.get(`/r/${SLUG}/hub/invite/${inviteToken}`);
      const contractToken = 'ContractTokenXyZ0123456789abcdefghijklmnopq';
      secrets.push(contractToken);
      await b.get(`/r/${SLUG}/contracts/${contractToken}`);
      const resetToken = 'ResetTokenXyZ0123456789abcdefghijklmnopqrs';
      secrets.push(resetToken);
      await b.get(`/r/${SLUG}/hub/reset-password/${resetToken}`);
      await b.get(`/operator/reset-password/${resetToken}`);
      const csrf3 = await b.csrf(`/r/${SLUG}/hub`);
      secrets.push(csrf3);
      expect((await b.post(`/r/${SLUG}/hub/sign-out`, { _csrf: csrf3 }, { 'x-request-id': 'logcheck-signout-01' })).statusCode).toBe(303);
      // pino writes asynchronously and in order: once the last request's line is captured, all are.
      await vi.waitFor(() => expect(capture.lines().some((l) => l.reqId === 'logcheck-signout-01' && 'res' in l)).toBe(true), { timeout: 10_000, interval: 10 });
    } finally {
      capture.stop();
      await logged.close();
    }

    const lines = capture.lines();
    expect(lines.length).toBeGreaterThan(10);
    const requestLines = lines.filter((l) => 'req' in l || 'res' in l);
    expect(requestLines.length).toBeGreaterThan(0);
    for (const line of requestLines) expect(line.reqId, JSON.stringify(line)).toEqual(expect.any(String));
    const ids = new Set(lines.map((l) => l.reqId));
    for (const id of ['logcheck-page-0001', 'logcheck-signin-0001', 'logcheck-password-01']) expect(ids).toContain(id);
    const completed = lines.find((l) => l.reqId === 'logcheck-signin-0001' && 'res' in l);
    expect(completed).toMatchObject({ res: { statusCode: 303 } });

    const text = capture.text();
    const leaked = secrets.filter((s) => s.length >= 6 && text.toLowerCase().includes(s.toLowerCase()));
    expect(leaked).toEqual([]);
    expect(text).toContain('/invite/[token]');
    expect(text).toContain('/contracts/[token]');
    expect(text).toContain('/hub/reset-password/[token]');
    expect(text).toContain('/operator/reset-password/[token]');
  });
});
