import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { openMail, type SealedMail } from '../../platform/mail/index.js';

const password = 'a long enough new password';

describe.each(engines)('invitations on %s', (engine) => {
  let t: TestApp;
  let admin: Browser;
  beforeAll(async () => {
    t = await createTestApp(engine, { KONA_INVITE_DAYS: '3' });
    await t.addTenant('alpha');
    const a = await t.addStaff('alpha', 'admin');
    admin = new Browser(t.app);
    await admin.signIn('/r/alpha', a.email, a.password);
  });
  afterAll(() => t.close());

  /** Invites through the staff page and returns the link it shows once. */
  async function invite(email: string, role: string) {
    const res = await admin.submit('/r/alpha/hub/staff', '/r/alpha/hub/staff/invite', { email, role });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/r/alpha/hub/staff?done=invited');
    const page = await admin.get(res.headers.location!);
    const match = /value="(http[^"]+\/hub\/invite\/[A-Za-z0-9_-]+)"/.exec(page.body);
    expect(match, 'the invitation link is on the page').not.toBeNull();
    return { page, link: match![1]!, path: new URL(match![1]!).pathname };
  }

  /** The mail queued in alpha's database for an address, newest first. */
  async function mailsTo(to: string) {
    const db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    const jobs = await db.selectFrom('jobs').select(['payload']).where('name', '=', 'mail.send').orderBy('id', 'desc').execute();
    return jobs.map((j) => openMail(j.payload as unknown as SealedMail, t.rt.ctx.secrets.keyRing)).filter((m) => m.to === to);
  }

  async function roleOf(email: string) {
    const db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    const rows = await db.selectFrom('staff').select(['role', 'email_enc']).execute();
    return rows.find((r) => t.rt.ctx.secrets.keyRing.decrypt(r.email_enc) === email)?.role;
  }

  it('shows the link once, and the invited person joins with the invited role and can sign in again', async () => {
    const { page, link, path } = await invite('new.person@example.org', 'staff');
    expect(page.body).toContain('Send this link to them; it works once and expires in 3 days');
    expect(link.startsWith('http://localhost')).toBe(true);
    expect(path).toMatch(/^\/r\/alpha\/hub\/invite\//);
    const [mail, ...more] = await mailsTo('new.person@example.org');
    expect(more).toHaveLength(0);
    expect(mail!.subject).toBe('You are invited to the Rescue alpha hub');
    expect(mail!.text).toContain(link);
    expect(mail!.text).toContain('expires in 3 days');
    const again = await admin.get('/r/alpha/hub/staff?done=invited');
    expect(again.body).not.toContain(link);
    expect(again.body).toContain('new.person@example.org');

    const person = new Browser(t.app);
    const form = await person.get(path);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('new.person@example.org');
    expect(form.body).toContain('<strong>staff</strong>');
    const joined = await person.submit(path, path, { name: 'New Person', password, confirm: password });
    expect(joined.statusCode).toBe(303);
    expect(joined.headers.location).toBe('/r/alpha/hub');
    const dash = await person.get('/r/alpha/hub');
    expect(dash.statusCode).toBe(200);
    expect(dash.body).toContain('as staff');

    const fresh = new Browser(t.app);
    expect((await fresh.signIn('/r/alpha', 'new.person@example.org', password)).statusCode).toBe(303);
    expect((await fresh.get('/r/alpha/hub')).body).toContain('Welcome, New Person');
    expect((await admin.get('/r/alpha/hub/audit')).body).toContain('invitation.accepted');
  });

  it('takes the role from the invitation only: extra fields change nothing', async () => {
    const { path } = await invite('viewer.only@example.org', 'viewer');
    const person = new Browser(t.app);
    const joined = await person.submit(path, path, { name: 'Viewer', password, confirm: password, role: 'admin', tenant: 'other', email: 'evil@example.org' });
    expect(joined.statusCode).toBe(303);
    expect(await roleOf('viewer.only@example.org')).toBe('viewer');
    expect(await roleOf('evil@example.org')).toBeUndefined();
    expect((await person.get('/r/alpha/hub/staff')).statusCode).toBe(403);
  });

  it('re-shows a rejected form with the name kept, never the password', async () => {
    const { path } = await invite('typo@example.org', 'foster');
    const person = new Browser(t.app);
    const res = await person.submit(path, path, { name: 'Kept Name', password: 'short', confirm: 'different' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('value="Kept Name"');
    expect(res.body).toContain('at least 12 characters');
    expect(res.body).not.toContain('value="short"');
  });

  it('answers a used, withdrawn or made-up link with a clear 404', async () => {
    const used = await invite('used@example.org', 'viewer');
    const person = new Browser(t.app);
    await person.submit(used.path, used.path, { name: 'Used', password, confirm: password });
    const reused = await new Browser(t.app).get(used.path);
    expect(reused.statusCode).toBe(404);
    expect(reused.body).toContain('expired, was already used, or was withdrawn');

    const withdrawn = await invite('withdrawn@example.org', 'staff');
    const id = /invitations\/([0-9a-f-]{36})\/revoke/.exec(withdrawn.page.body)![1]!;
    const revoked = await admin.submit('/r/alpha/hub/staff', `/r/alpha/hub/staff/invitations/${id}/revoke`, {});
    expect(revoked.headers.location).toBe('/r/alpha/hub/staff?done=revoked');
    expect((await admin.get(revoked.headers.location!)).body).toContain('no longer works');
    expect((await new Browser(t.app).get(withdrawn.path)).statusCode).toBe(404);
    expect((await new Browser(t.app).get('/r/alpha/hub/invite/not-a-real-token-at-all-0000')).statusCode).toBe(404);
  });

  it('offers a password reset link instead of inviting an email that already has an account', async () => {
    const existing = await t.addStaff('alpha', 'staff');
    const res = await admin.submit('/r/alpha/hub/staff', '/r/alpha/hub/staff/invite', { email: existing.email.toUpperCase(), role: 'viewer' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`${existing.email} already has an account`);
    expect(res.body).toContain(`action="/r/alpha/hub/staff/${existing.id}/password-reset"`);
    const sent = await admin.submit('/r/alpha/hub/staff', `/r/alpha/hub/staff/${existing.id}/password-reset`, {});
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe('/r/alpha/hub/staff?done=reset');
    expect(await mailsTo(existing.email)).toHaveLength(1);
    const bad = await admin.submit('/r/alpha/hub/staff', '/r/alpha/hub/staff/invite', { email: 'not an email', role: 'owner' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('value="not an email"');
    expect(bad.body).toContain('must be an email address');
    expect(bad.body).toContain('must be admin, staff, foster or viewer');
  });

  it('links to the rescue\'s own hostname when the admin works there', async () => {
    await t.addTenant('beta', 'Beta Rescue', ['beta.example.org']);
    const a = await t.addStaff('beta', 'admin');
    const b = new Browser(t.app, 'beta.example.org');
    await b.signIn('', a.email, a.password);
    await b.submit('/hub/staff', '/hub/staff/invite', { email: 'host@example.org', role: 'foster' });
    const page = await b.get('/hub/staff?done=invited');
    const link = /value="(http:\/\/beta\.example\.org\/hub\/invite\/[A-Za-z0-9_-]+)"/.exec(page.body);
    expect(link).not.toBeNull();
    const path = new URL(link![1]!).pathname;
    const person = new Browser(t.app, 'beta.example.org');
    expect((await person.submit(path, path, { name: 'Host Person', password, confirm: password })).headers.location).toBe('/hub');
    expect((await person.get('/hub')).body).toContain('as foster');
  });
});
