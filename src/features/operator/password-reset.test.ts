import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { ManualClock } from '../../platform/clock/clock.testing.js';
import { openMail, type SealedMail } from '../../platform/mail/index.js';
import { resetRequestedNotice } from '../../platform/http/views/password-reset.js';
import { createOperator } from './operator.service.js';

const newPassword = 'an operator password, long enough';

describe.each(engines)('operator password reset on %s', (engine) => {
  let t: TestApp;
  const clock = new ManualClock(Date.now());
  beforeAll(async () => {
    t = await createTestApp(engine, {}, { clock });
  });
  afterAll(() => t.close());
  beforeEach(() => clock.set(Date.now()));

  async function mailsTo(to: string) {
    const jobs = await t.rt.ctx.control.kysely.selectFrom('jobs').select(['payload']).where('name', '=', 'mail.send').orderBy('id', 'desc').execute();
    return jobs.map((j) => openMail(j.payload as unknown as SealedMail, t.rt.ctx.secrets.keyRing)).filter((m) => m.to === to);
  }

  async function forgot(email: string) {
    const b = new Browser(t.app);
    expect((await b.get('/operator/sign-in')).body).toContain('href="/operator/forgot-password"');
    return b.submit('/operator/forgot-password', '/operator/forgot-password', { email });
  }

  const signIn = (b: Browser, username: string, password: string) => b.submit('/operator/sign-in', '/operator/sign-in', { username, password });

  it('emails a single-use link that sets the password and ends every operator session; unknown emails get the same answer', async () => {
    const op = await createOperator(t.rt.ctx.control.kysely, 'resetter', { type: 'system' }, { email: 'Ops@Example.org', keyRing: t.rt.ctx.secrets.keyRing });
    const elsewhere = new Browser(t.app);
    expect((await signIn(elsewhere, op.username, op.password)).statusCode).toBe(303);

    const known = await forgot('ops@example.org');
    const unknown = await forgot('not-an-operator@example.org');
    const strip = (body: string) => body.replace(/name="_csrf" value="[^"]+"/g, '');
    expect(known.statusCode).toBe(200);
    expect(known.body).toContain(resetRequestedNotice.slice(0, 60));
    expect(strip(unknown.body)).toBe(strip(known.body));
    expect(await mailsTo('not-an-operator@example.org')).toHaveLength(0);
    const [mail] = await mailsTo('ops@example.org');
    const path = new URL(/https?:\/\/\S+\/operator\/reset-password\/[A-Za-z0-9_-]{43}/.exec(mail!.text)![0]).pathname;

    const b = new Browser(t.app);
    expect((await b.get(path)).body).toContain('resetter');
    const done = await b.submit(path, path, { password: newPassword, confirm: newPassword });
    expect(done.headers.location).toBe('/operator/sign-in?reset=1');
    expect((await elsewhere.get('/operator')).statusCode).toBe(303);
    expect((await signIn(new Browser(t.app), op.username, newPassword)).statusCode).toBe(303);
    expect((await new Browser(t.app).get(path)).statusCode).toBe(404);

    const audit = await t.rt.ctx.control.kysely.selectFrom('audit_log').select(['action', 'detail']).where('target_id', '=', op.id).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['operator.password_reset_sent', 'operator.password_reset']));
    expect(JSON.stringify(audit)).not.toContain(path.split('/').pop()!);
  });

  it('refuses an expired link, and limits requests per email', async () => {
    await createOperator(t.rt.ctx.control.kysely, 'expiring', { type: 'system' }, { email: 'late@example.org', keyRing: t.rt.ctx.secrets.keyRing });
    await forgot('late@example.org');
    const [mail] = await mailsTo('late@example.org');
    const path = new URL(/https?:\/\/\S+\/operator\/reset-password\/[A-Za-z0-9_-]{43}/.exec(mail!.text)![0]).pathname;
    clock.advance(61 * 60_000);
    expect((await new Browser(t.app).get(path)).statusCode).toBe(404);

    for (let i = 0; i < 3; i++) expect((await forgot('late@example.org')).statusCode).toBe(200);
    const limited = await forgot('late@example.org');
    expect(limited.statusCode).toBe(429);
    expect(limited.body).toContain('Try again in 60 minutes');
  });
});
