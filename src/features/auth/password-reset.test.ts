import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { ManualClock } from '../../platform/clock/clock.testing.js';
import { openMail, type SealedMail } from '../../platform/mail/index.js';
import { resetRequestedNotice } from '../../platform/http/views/password-reset.js';

const newPassword = 'a brand new long password';

describe.each(engines)('password reset for staff and fosters on %s', (engine) => {
  let t: TestApp;
  const clock = new ManualClock(Date.now());
  beforeAll(async () => {
    t = await createTestApp(engine, { KONA_PASSWORD_RESET_MINUTES: '30' }, { clock });
    await t.addTenant('alpha');
  });
  afterAll(() => t.close());
  // Sessions are stamped by the database's clock: each test starts with the manual clock at the real time.
  beforeEach(() => clock.set(Date.now()));

  const db = async () => (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;

  /** The mail queued for an address, newest first. */
  async function mailsTo(to: string) {
    const jobs = await (await db()).selectFrom('jobs').select(['payload']).where('name', '=', 'mail.send').orderBy('id', 'desc').execute();
    return jobs.map((j) => openMail(j.payload as unknown as SealedMail, t.rt.ctx.secrets.keyRing)).filter((m) => m.to === to);
  }

  /** Asks for a link from the sign-in page's "Forgot password?" link. */
  async function forgot(email: string, b = new Browser(t.app)) {
    const signIn = await b.get('/r/alpha/hub/sign-in');
    expect(signIn.body).toContain('href="/r/alpha/hub/forgot-password"');
    return b.submit('/r/alpha/hub/forgot-password', '/r/alpha/hub/forgot-password', { email });
  }

  /** The reset link's path in the newest mail to an address. */
  async function linkPath(email: string): Promise<string> {
    const [mail] = await mailsTo(email);
    return new URL(/https?:\/\/\S+\/hub\/reset-password\/[A-Za-z0-9_-]{43}/.exec(mail!.text)![0]).pathname;
  }

  it('emails a link that sets a new password, ends every other session, and sends the person to sign in', async () => {
    const person = await t.addStaff('alpha', 'foster');
    const elsewhere = new Browser(t.app);
    await elsewhere.signIn('/r/alpha', person.email, person.password);
    expect((await elsewhere.get('/r/alpha/hub')).statusCode).toBe(200);

    const res = await forgot(person.email.toUpperCase());
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(resetRequestedNotice.slice(0, 60));
    const [mail, ...more] = await mailsTo(person.email);
    expect(more).toHaveLength(0);
    expect(mail!.subject).toBe('Reset your password for the Rescue alpha hub');
    expect(mail!.text).toContain('expires in 30 minutes');
    const path = await linkPath(person.email);

    const b = new Browser(t.app);
    const form = await b.get(path);
    expect(form.statusCode).toBe(200);
    // The token is in the path: the site-wide policy keeps it from other sites' referrers.
    expect(form.headers['referrer-policy']).toBe('same-origin');
    expect(form.body).toContain(person.email);
    const mismatch = await b.submit(path, path, { password: newPassword, confirm: 'something else entirely' });
    expect(mismatch.statusCode).toBe(400);
    const short = await b.submit(path, path, { password: 'short', confirm: 'short' });
    expect(short.statusCode).toBe(400);
    const done = await b.submit(path, path, { password: newPassword, confirm: newPassword });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/r/alpha/hub/sign-in?reset=1');
    expect((await b.get(done.headers.location!)).body).toContain('Sign in with the new password');

    expect((await elsewhere.get('/r/alpha/hub')).statusCode).toBe(303);
    expect((await new Browser(t.app).signIn('/r/alpha', person.email, person.password)).statusCode).toBe(401);
    expect((await new Browser(t.app).signIn('/r/alpha', person.email, newPassword)).statusCode).toBe(303);

    // Spent: the second use is refused, by GET and by POST.
    expect((await new Browser(t.app).get(path)).statusCode).toBe(404);
    const again = new Browser(t.app);
    await again.get('/r/alpha/hub/sign-in');
    const reuse = await again.post(path, { _csrf: await again.csrf('/r/alpha/hub/sign-in'), password: 'another long password!', confirm: 'another long password!' });
    expect(reuse.statusCode).toBe(404);
    expect(reuse.body).toContain('expired or was already used');

    const audit = await (await db()).selectFrom('audit_log').select(['action', 'detail']).where('target_id', '=', person.id).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['staff.password_reset_sent', 'staff.password_reset', 'staff.password_changed']));
    const token = path.split('/').pop()!;
    expect(JSON.stringify(audit)).not.toContain(token);
    expect(JSON.stringify(audit)).not.toContain(newPassword);
    const stored = await (await db()).selectFrom('password_resets').select(['token_hash']).where('staff_id', '=', person.id).execute();
    expect(stored.map((r) => r.token_hash)).not.toContain(token);
  });

  it('answers an unknown or disabled email exactly as a known one, and sends nothing', async () => {
    const known = await forgot((await t.addStaff('alpha', 'staff')).email);
    const unknown = await forgot('nobody-here@example.org');
    const disabled = await t.addStaff('alpha', 'viewer');
    await (await db()).updateTable('staff').set({ status: 'disabled' }).where('id', '=', disabled.id).execute();
    const off = await forgot(disabled.email);
    const strip = (body: string) => body.replace(/name="_csrf" value="[^"]+"/g, '');
    expect(unknown.statusCode).toBe(known.statusCode);
    expect(strip(unknown.body)).toBe(strip(known.body));
    expect(strip(off.body)).toBe(strip(known.body));
    expect(await mailsTo('nobody-here@example.org')).toHaveLength(0);
    expect(await mailsTo(disabled.email)).toHaveLength(0);
  });

  it('refuses a link once it has expired', async () => {
    const person = await t.addStaff('alpha', 'staff');
    await forgot(person.email);
    const path = await linkPath(person.email);
    clock.advance(29 * 60_000);
    expect((await new Browser(t.app).get(path)).statusCode).toBe(200);
    clock.advance(2 * 60_000);
    const late = await new Browser(t.app).get(path);
    expect(late.statusCode).toBe(404);
    expect(late.body).toContain('Ask for a new one');
  });

  it('lets an admin send a link to a staff member or foster, shown once when the rescue has no mail server', async () => {
    const admin = await t.addStaff('alpha', 'admin');
    const foster = await t.addStaff('alpha', 'foster');
    const a = new Browser(t.app);
    await a.signIn('/r/alpha', admin.email, admin.password);
    const staffPage = await a.get('/r/alpha/hub/staff');
    expect(staffPage.body).toContain(`action="/r/alpha/hub/staff/${foster.id}/password-reset"`);
    expect(staffPage.body).not.toContain(`action="/r/alpha/hub/staff/${admin.id}/password-reset"`);
    const sent = await a.submit('/r/alpha/hub/staff', `/r/alpha/hub/staff/${foster.id}/password-reset`, {});
    expect(sent.headers.location).toBe('/r/alpha/hub/staff?done=reset');
    const shown = await a.get(sent.headers.location!);
    const link = /id="reset-link" type="text" readonly value="([^"]+)"/.exec(shown.body)![1]!;
    expect((await a.get(sent.headers.location!)).body).not.toContain(link);
    expect(new URL(link).pathname).toBe(await linkPath(foster.email));
    const [mail] = await mailsTo(foster.email);
    expect(mail!.text).toContain('An admin of Rescue alpha sent you this link');

    const path = new URL(link).pathname;
    const b = new Browser(t.app);
    expect((await b.submit(path, path, { password: newPassword, confirm: newPassword })).statusCode).toBe(303);
    expect((await new Browser(t.app).signIn('/r/alpha', foster.email, newPassword)).statusCode).toBe(303);
    const audit = await (await db()).selectFrom('audit_log').select(['actor_id', 'detail']).where('action', '=', 'staff.password_reset_sent').where('target_id', '=', foster.id).executeTakeFirstOrThrow();
    expect(audit.actor_id).toBe(admin.id);

    const viewer = await t.addStaff('alpha', 'viewer');
    const v = new Browser(t.app);
    await v.signIn('/r/alpha', viewer.email, viewer.password);
    expect((await v.submit('/r/alpha/hub', `/r/alpha/hub/staff/${foster.id}/password-reset`, {})).statusCode).toBe(403);
  });
  it('limits requests per email (known or not) and per address, and says when to retry', async () => {
    // The earlier tests' requests leave the window first; the requests below are stamped in the future of the database's clock.
    clock.advance(61 * 60_000);
    for (let i = 0; i < 3; i++) expect((await forgot('limit-me@example.org')).statusCode).toBe(200);
    const account = await forgot('limit-me@example.org');
    expect(account.statusCode).toBe(429);
    expect(account.body).toContain('for this email address. Try again in 60 minutes');
    expect(Number(account.headers['retry-after'])).toBeGreaterThan(3500);
    clock.advance(61 * 60_000);
    expect((await forgot('limit-me@example.org')).statusCode).toBe(200);

    clock.advance(61 * 60_000);
    for (let i = 0; i < 10; i++) expect((await forgot(`someone-${i}@example.org`)).statusCode).toBe(200);
    clock.advance(10 * 60_000);
    const address = await forgot('someone-else@example.org');
    expect(address.statusCode).toBe(429);
    expect(address.body).toContain('from your network. Try again in 50 minutes');
  });
});
