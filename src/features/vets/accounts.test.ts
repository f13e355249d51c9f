import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { ManualClock } from '../../platform/clock/clock.testing.js';
import { openMail, type SealedMail } from '../../platform/mail/index.js';
import { vetCookie } from '../../platform/http/sessions.js';
import { safeVetNext } from './accounts.schema.js';
import { addTestVet, vetSessionFor } from './vets.testing.js';

const password = 'a vet password, long enough';

/** A registration form with fresh email and licence (override any field). */
function newVet(overrides: Record<string, string> = {}) {
  const tag = randomBytes(4).toString('hex');
  return { name: `Dr Ana ${tag}`, clinic: 'Harbour Vets', area: 'Harbour Town', licence: `RCVS-${tag}`, email: `ana-${tag}@clinic.example`, password, confirm: password, ...overrides };
}

/** A client address of its own per test (the app trusts X-Forwarded-For here), so limits do not cross tests. */
const address = () => `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;

async function register(b: Browser, form: Record<string, string>, ip: string) {
  return b.post('/vet/register', { _csrf: await b.csrf('/vet/register'), ...form }, { 'x-forwarded-for': ip });
}

async function signIn(b: Browser, email: string, pass: string, ip: string, extra: Record<string, string> = {}) {
  return b.post('/vet/sign-in', { _csrf: await b.csrf('/vet/sign-in'), email, password: pass, ...extra }, { 'x-forwarded-for': ip });
}

describe('safeVetNext', () => {
  it('keeps paths under /vet and sends everything else to /vet', () => {
    expect(safeVetNext('/vet/search?q=1')).toBe('/vet/search?q=1');
    expect(safeVetNext('/vet')).toBe('/vet');
    for (const bad of [undefined, '', '//evil.example', 'https://evil.example/vet', '/vetx', '/operator', '/r/alpha/hub', '/vet/sign-in', '/vet/register', '/vet/\\evil']) expect(safeVetNext(bad)).toBe('/vet');
  });
});

describe.each(engines)('vet accounts on %s', (engine) => {
  let t: TestApp;
  const clock = new ManualClock(Date.now());
  beforeAll(async () => {
    t = await createTestApp(engine, { KONA_TRUST_PROXY: 'true', KONA_LOGIN_MAX_PER_ACCOUNT: '3', KONA_SESSION_IDLE_MINUTES: '600' }, { clock });
  });
  afterAll(() => t.close());

  const control = () => t.rt.ctx.control.kysely;
  async function mailsTo(to: string) {
    const jobs = await control().selectFrom('jobs').select(['payload']).where('name', '=', 'mail.send').orderBy('id', 'desc').execute();
    return jobs.map((j) => openMail(j.payload as unknown as SealedMail, t.rt.ctx.secrets.keyRing)).filter((m) => m.to === to);
  }

  it('registers a vet as pending, signed in, emailed, with everything they typed encrypted and an audit entry without PII', async () => {
    const b = new Browser(t.app);
    const page = await b.get('/vet/register');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('autocomplete="new-password"');
    const form = newVet({ email: `Mixed-${randomBytes(3).toString('hex')}@Clinic.example` });
    const res = await register(b, form, address());
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/vet/account?registered=1');
    expect(b.cookies()[vetCookie(t.rt.ctx.config).name]).toBeDefined();
    const account = await b.get('/vet/account?registered=1');
    expect(account.statusCode).toBe(200);
    expect(account.body).toContain('Your account is waiting for verification');
    expect(account.body).toContain(form.name);
    expect(account.body).not.toContain('href="/vet/search"');

    const row = await control().selectFrom('vets').selectAll().orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    expect(row.status).toBe('pending');
    expect(row.clinic_area).toBe('Harbour Town');
    const stored = JSON.stringify(row);
    for (const secret of [form.name, form.email, form.email.toLowerCase(), form.licence, form.clinic, password]) expect(stored).not.toContain(secret);
    expect(t.rt.ctx.secrets.keyRing.decrypt(row.email_enc)).toBe(form.email.toLowerCase());

    const [mail] = await mailsTo(form.email.toLowerCase());
    expect(mail!.subject).toContain('waiting for verification');
    expect(mail!.text).toContain('/vet/sign-in');
    const audit = await control().selectFrom('audit_log').selectAll().where('target_id', '=', row.id).execute();
    expect(audit.map((a) => a.action)).toContain('vet.registered');
    const logged = JSON.stringify(audit);
    for (const pii of [form.name, form.email.toLowerCase(), form.licence, form.clinic]) expect(logged).not.toContain(pii);
  });

  it('refuses a second account with the same email or licence number (however written) with a 409 that keeps the form', async () => {
    const ip = address();
    const first = newVet({ licence: `ab 12.${randomBytes(2).toString('hex')}` });
    expect((await register(new Browser(t.app), first, ip)).statusCode).toBe(303);
    const sameEmail = await register(new Browser(t.app), newVet({ email: first.email.toUpperCase(), name: 'Dr Second' }), ip);
    expect(sameEmail.statusCode).toBe(409);
    expect(sameEmail.body).toContain('An account with this email or licence number already exists');
    expect(sameEmail.body).toContain('value="Dr Second"');
    expect(sameEmail.body).not.toContain(password);
    const sameLicence = await register(new Browser(t.app), newVet({ licence: first.licence.toUpperCase().replace(/[ .]/g, '-') }), ip);
    expect(sameLicence.statusCode).toBe(409);
    expect(await control().selectFrom('vets').select('id').where('clinic_area', '=', 'Harbour Town').execute()).toHaveLength(2);
  });

  it('answers bad input with 400 and the form kept, never a server error', async () => {
    const b = new Browser(t.app);
    const ip = address();
    const cases: [Record<string, string>, string][] = [
      [{ name: '', clinic: '', licence: '', email: '', password: '', confirm: '' }, 'is required'],
      [newVet({ name: 'Dr \u0007Bell' }), 'control character'],
      [newVet({ clinic: 'x'.repeat(100_000) }), 'at most 200 characters'],
      [newVet({ area: 'y'.repeat(500) }), 'at most 120 characters'],
      [newVet({ email: 'not an email' }), 'must be an email address'],
      [newVet({ email: `${'e'.repeat(300)}@clinic.example` }), 'is too long'],
      [newVet({ licence: '--' }), 'licence or registration number'],
      [newVet({ password: 'short', confirm: 'short' }), 'at least 12 characters'],
      [newVet({ confirm: 'something else entirely' }), 'does not match the password'],
    ];
    for (const [form, error] of cases) {
      const res = await register(b, form, ip);
      expect(res.statusCode, error).toBe(400);
      expect(res.body).toContain(error);
      if (form.clinic === 'Harbour Vets') expect(res.body).toContain('value="Harbour Vets"');
      expect(res.body).not.toContain(password);
    }
    const odd = await b.post('/vet/register', { _csrf: await b.csrf('/vet/register'), 'name[]': 'x' }, { 'x-forwarded-for': ip });
    expect(odd.statusCode).toBe(400);
    expect((await signIn(b, 'x'.repeat(100_000), 'y', ip)).statusCode).toBe(400);
    expect((await signIn(b, 'dr\u0000@clinic.example', 'y', ip)).statusCode).toBe(400);
    expect((await b.post('/vet/register', newVet())).statusCode).toBe(403); // no CSRF token: nothing written
  });

  it('limits registrations per address with a 429 and Retry-After, until the window has passed', async () => {
    const ip = address();
    for (let i = 0; i < 5; i++) expect((await register(new Browser(t.app), newVet(), ip)).statusCode).toBe(303);
    const form = newVet();
    const limited = await register(new Browser(t.app), form, ip);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(3000);
    expect(limited.body).toContain('Too many registrations');
    expect(limited.body).toContain(`value="${form.email}"`);
    expect((await register(new Browser(t.app), newVet(), address())).statusCode).toBe(303); // another address is not limited
    clock.advance(61 * 60_000);
    expect((await register(new Browser(t.app), form, ip)).statusCode).toBe(303);
  });

  it('signs a verified vet in with a fresh session id (to a safe next), and out; the old session is dead', async () => {
    const vet = await addTestVet(control(), t.rt.ctx.secrets.keyRing, { password });
    const b = new Browser(t.app);
    const cookieName = vetCookie(t.rt.ctx.config).name;
    const anonymous = await b.get('/vet/account');
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe('/vet/sign-in?next=%2Fvet%2Faccount');
    const ip = address();
    const res = await signIn(b, vet.email.toUpperCase(), password, ip, { next: '/vet/account' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/vet/account');
    const first = b.cookies()[cookieName]!;
    expect(res.cookies.find((c) => c.name === cookieName)).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect((await b.get('/vet/account')).body).toContain('Your account is verified');
    expect((await b.get('/vet/sign-in')).headers.location).toBe('/vet');
    // Signing in again while signed in (the form's token is the session's then) replaces the session.
    const again = await b.post('/vet/sign-in', { _csrf: await b.csrf('/vet/account'), email: vet.email, password, next: 'https://evil.example/' }, { 'x-forwarded-for': ip });
    expect(again.headers.location).toBe('/vet');
    expect(b.cookies()[cookieName]).not.toBe(first);
    expect((await t.app.inject({ url: '/vet/account', cookies: { [cookieName]: first } })).statusCode).toBe(303);
    const out = await b.submit('/vet/account', '/vet/sign-out', {});
    expect(out.headers.location).toBe('/vet/sign-in?signedOut=1');
    expect((await b.get('/vet/account')).statusCode).toBe(303);
    const actions = (await control().selectFrom('audit_log').select('action').where('target_id', '=', vet.id).execute()).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['vet.signed_in', 'vet.signed_out']));
  });

  it('sends a pending vet to the waiting page whatever next says', async () => {
    const vet = await addTestVet(control(), t.rt.ctx.secrets.keyRing, { password, status: 'pending' });
    const b = new Browser(t.app);
    const res = await signIn(b, vet.email, password, address(), { next: '/vet/search' });
    expect(res.headers.location).toBe('/vet/account');
    expect((await b.get('/vet/account')).body).toContain('waiting for verification');
  });

  it('answers every failure the same way: wrong password, unknown email, rejected or disabled vet', async () => {
    const ring = t.rt.ctx.secrets.keyRing;
    const rejected = await addTestVet(control(), ring, { password, status: 'rejected' });
    const disabled = await addTestVet(control(), ring, { password, status: 'disabled' });
    const verified = await addTestVet(control(), ring, { password });
    const ip = address();
    for (const [email, pass] of [[verified.email, 'not the password at all'], ['nobody@clinic.example', password], [rejected.email, password], [disabled.email, password]] as const) {
      const b = new Browser(t.app);
      const res = await signIn(b, email, pass, ip);
      expect(res.statusCode, email).toBe(401);
      expect(res.body).toContain('That email and password do not match an active vet account.');
      expect(res.body).toContain(`value="${email}"`);
      expect(res.body).not.toContain(pass);
      expect(b.cookies()[vetCookie(t.rt.ctx.config).name]).toBeUndefined();
    }
    // A session made before the vet was rejected is not one.
    const token = await vetSessionFor(control(), rejected.id);
    expect((await t.app.inject({ url: '/vet/account', cookies: { [vetCookie(t.rt.ctx.config).name]: token } })).statusCode).toBe(303);
  });

  it('rate-limits failed sign-ins per vet account with a 429 and Retry-After', async () => {
    const vet = await addTestVet(control(), t.rt.ctx.secrets.keyRing, { password });
    const ip = address();
    for (let i = 0; i < 3; i++) expect((await signIn(new Browser(t.app), vet.email, `wrong password ${i}`, ip)).statusCode).toBe(401);
    const limited = await signIn(new Browser(t.app), vet.email, password, ip);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('900');
    expect(limited.body).toContain('Too many failed sign-ins for this account');
  });
});
