import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsForm } from '../../src/features/settings/settings.testing.js';
import { emailHash } from '../../src/features/staff/staff.service.js';
import { hashToken } from '../../src/platform/http/sessions.js';
import { Browser, createTestApp, csrfFrom, type TestApp } from '../harness/app.js';
import { engines } from '../harness/databases.js';

const A = 'alpha';
const B = 'bravo';
const B_HOST = 'rescue-b.example.org';
const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe.each(engines)('tenant isolation on %s', (engine) => {
  let t: TestApp;
  let aAdmin: { id: string; email: string; password: string };
  let bAdmin: { id: string; email: string; password: string };

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant(A);
    await t.addTenant(B, undefined, [B_HOST]);
    aAdmin = await t.addStaff(A, 'admin');
    bAdmin = await t.addStaff(B, 'admin');
  });
  afterAll(() => t?.close());

  const db = async (slug: string) => (await t.rt.ctx.tenants.get(slug))!.db.kysely;
  const rescueName = async (slug: string) => (await (await db(slug)).selectFrom('rescue_settings').select('name').executeTakeFirstOrThrow()).name;

  /** Signs in through the forms and returns the session token and a CSRF token bound to it. */
  async function session(slug: string, who: { email: string; password: string }) {
    const b = new Browser(t.app);
    expect((await b.signIn(`/r/${slug}`, who.email, who.password)).statusCode).toBe(303);
    return { token: b.cookies().kona_sid!, csrf: await b.csrf(`/r/${slug}/hub/settings`), browser: b };
  }

  it('does not honour A\'s session cookie at B, by path or by hostname', async () => {
    const a = await session(A, aAdmin);
    const cookie = `kona_sid=${a.token}`;
    expect((await t.app.inject({ url: `/r/${A}/hub`, headers: { cookie } })).statusCode).toBe(200);
    const byPath = await t.app.inject({ url: `/r/${B}/hub`, headers: { cookie } });
    expect(byPath.statusCode).toBe(303);
    expect(byPath.headers.location).toBe(`/r/${B}/hub/sign-in?next=${encodeURIComponent(`/r/${B}/hub`)}`);
    const byHost = await t.app.inject({ url: '/hub', headers: { cookie, host: B_HOST } });
    expect(byHost.statusCode).toBe(303);
    expect(byHost.headers.location).toBe('/hub/sign-in?next=%2Fhub');
    const json = await t.app.inject({ url: `/r/${B}/hub/settings`, headers: { cookie, accept: 'application/json' } });
    expect(json.statusCode).toBe(401);
    // The session lives only in A's database.
    const hash = hashToken(a.token);
    expect(await (await db(A)).selectFrom('sessions').select('staff_id').where('token_hash', '=', hash).executeTakeFirst()).toBeDefined();
    expect(await (await db(B)).selectFrom('sessions').select('staff_id').where('token_hash', '=', hash).executeTakeFirst()).toBeUndefined();
  });

  it('refuses A\'s admin credentials at B\'s sign-in, by path and by hostname', async () => {
    const byPath = await new Browser(t.app).signIn(`/r/${B}`, aAdmin.email, aAdmin.password);
    expect(byPath.statusCode).toBe(401);
    expect(byPath.cookies.find((c) => c.name === 'kona_sid')).toBeUndefined();
    const byHost = await new Browser(t.app, B_HOST).signIn('', aAdmin.email, aAdmin.password);
    expect(byHost.statusCode).toBe(401);
    expect(byHost.cookies.find((c) => c.name === 'kona_sid')).toBeUndefined();
  });

  it('refuses a form posted to B with a CSRF token from A, with or without a session at B', async () => {
    const a = await session(A, aAdmin);
    const b = await session(B, bAdmin);
    const before = await rescueName(B);
    const attempts = [
      { url: `/r/${B}/hub/settings`, cookie: `kona_sid=${b.token}`, host: undefined },
      { url: `/r/${B}/hub/settings`, cookie: `kona_sid=${a.token}`, host: undefined },
      { url: '/hub/settings', cookie: `kona_sid=${b.token}`, host: B_HOST },
    ];
    for (const attempt of attempts) {
      const res = await t.app.inject({
        method: 'POST',
        url: attempt.url,
        headers: { ...form, cookie: attempt.cookie, accept: 'application/json', ...(attempt.host ? { host: attempt.host } : {}) },
        payload: new URLSearchParams({ _csrf: a.csrf, name: 'Taken over', tagline: '' }).toString(),
      });
      expect(res.statusCode, attempt.url).toBe(403);
      expect(JSON.parse(res.body).code).toBe('KONA_ERR_CSRF');
    }
    expect(await rescueName(B)).toBe(before);
  });

  it('ignores body fields that name another tenant or a role', async () => {
    const smuggled = { tenant: B, tenantSlug: B, slug: B, tenant_id: B, role: 'admin' };
    // B's credentials at A's sign-in, with B named in the body: still A's accounts only.
    const wrongTenant = new Browser(t.app);
    const csrf = await wrongTenant.csrf(`/r/${A}/hub/sign-in`);
    expect((await wrongTenant.post(`/r/${A}/hub/sign-in`, { _csrf: csrf, email: bAdmin.email, password: bAdmin.password, ...smuggled })).statusCode).toBe(401);

    // A viewer asking for admin at sign-in stays a viewer.
    const viewer = await t.addStaff(A, 'viewer');
    const v = new Browser(t.app);
    const signIn = await v.post(`/r/${A}/hub/sign-in`, { _csrf: await v.csrf(`/r/${A}/hub/sign-in`), email: viewer.email, password: viewer.password, ...smuggled });
    expect(signIn.statusCode).toBe(303);
    expect((await v.get(`/r/${A}/hub`)).body).toContain('as viewer');
    expect((await v.get(`/r/${A}/hub/settings`)).statusCode).toBe(403);

    // The same person (same email) at both rescues: a password change at A leaves B alone.
    const email = `both-${Date.now()}@example.org`;
    const atA = await t.addStaff(A, 'staff', { email });
    await t.addStaff(B, 'staff', { email });
    const p = new Browser(t.app);
    await p.signIn(`/r/${A}`, email, atA.password);
    const changed = await p.submit(`/r/${A}/hub/account/password`, `/r/${A}/hub/account/password`, {
      current: atA.password,
      password: 'another long enough password',
      confirm: 'another long enough password',
      ...smuggled,
    });
    expect(changed.statusCode).toBe(200);
    expect((await new Browser(t.app).signIn(`/r/${B}`, email, atA.password)).statusCode).toBe(303);
    expect((await new Browser(t.app).signIn(`/r/${A}`, email, 'another long enough password')).statusCode).toBe(303);

    // Settings saved at A with B named in the body change A only.
    const a = await session(A, aAdmin);
    const bBefore = await rescueName(B);
    const saved = await a.browser.post(`/r/${A}/hub/settings`, { _csrf: a.csrf, ...settingsForm({ name: 'Alpha renamed' }), ...smuggled });
    expect(saved.statusCode).toBe(303);
    expect(await rescueName(A)).toBe('Alpha renamed');
    expect(await rescueName(B)).toBe(bBefore);
  });

  it('does not find B\'s records by id from A\'s pages', async () => {
    const target = await t.addStaff(B, 'staff');
    const a = await session(A, aAdmin);
    for (const action of ['disable', 'role']) {
      const res = await a.browser.post(`/r/${A}/hub/staff/${target.id}/${action}`, { _csrf: a.csrf, role: 'admin' });
      expect(res.statusCode, action).toBe(404);
    }
    expect(await (await db(B)).selectFrom('staff').select(['status', 'role']).where('id', '=', target.id).executeTakeFirst()).toEqual({ status: 'active', role: 'staff' });
  });

  it('serves only B on B\'s hostname: /r/<A>/ paths there are not A', async () => {
    for (const url of [`/r/${A}/hub`, `/r/${A}/hub/sign-in`, `/r/${A}/`]) {
      const res = await t.app.inject({ url, headers: { host: B_HOST } });
      expect(res.statusCode, url).toBe(404);
    }
    const post = await t.app.inject({ method: 'POST', url: `/r/${A}/hub/sign-in`, headers: { ...form, host: B_HOST }, payload: 'email=x&password=y' });
    expect(post.statusCode).toBe(404);
    const home = await t.app.inject({ url: '/', headers: { host: `${B_HOST.toUpperCase()}:8443` } });
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain(await rescueName(B));
  });

  it('ignores a spoofed x-kona-host-tenant header', async () => {
    const spoof = { 'x-kona-host-tenant': B };
    // On a path, the tenant stays the path's and links keep their /r/<slug> prefix.
    const page = await t.app.inject({ url: `/r/${B}/hub/sign-in`, headers: spoof });
    expect(page.body).toContain(`action="/r/${B}/hub/sign-in"`);
    // The header must not widen the session cookie to Path=/ (which every rescue's paths would receive).
    const pre = page.cookies.find((c) => c.name === 'kona_csrf')!;
    const signIn = await t.app.inject({
      method: 'POST',
      url: `/r/${B}/hub/sign-in`,
      headers: { ...form, ...spoof, cookie: `kona_csrf=${pre.value}` },
      payload: new URLSearchParams({ _csrf: csrfFrom(page.body), email: bAdmin.email, password: bAdmin.password }).toString(),
    });
    expect(signIn.statusCode).toBe(303);
    expect(signIn.headers.location).toBe(`/r/${B}/hub`);
    expect(signIn.cookies.find((c) => c.name === 'kona_sid')!.path).toBe(`/r/${B}/`);
    // Outside a tenant the header selects nothing; on B's hostname it cannot point at A.
    const landing = await t.app.inject({ url: '/', headers: spoof });
    expect(landing.body).toContain('Rescues on this Kona');
    const onHost = await t.app.inject({ url: '/', headers: { host: B_HOST, 'x-kona-host-tenant': A } });
    expect(onHost.body).toContain(await rescueName(B));
    expect(onHost.body).not.toContain(await rescueName(A));
  });

  it('keeps a staff member created in A out of B\'s database', async () => {
    const member = await t.addStaff(A, 'foster', { email: 'only-at-a@example.org' });
    expect(await (await db(A)).selectFrom('staff').select('id').where('id', '=', member.id).executeTakeFirst()).toEqual({ id: member.id });
    expect(await (await db(B)).selectFrom('staff').select('id').where('id', '=', member.id).executeTakeFirst()).toBeUndefined();
    const hash = emailHash(t.rt.ctx.secrets.keyRing, member.email);
    expect(await (await db(B)).selectFrom('staff').select('id').where('email_hash', '=', hash).executeTakeFirst()).toBeUndefined();
  });
});

/** Every non-test source file under a directory. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [full] : [];
  });
}

describe('tenancy by construction (static check)', () => {
  const root = path.resolve(import.meta.dirname, '../..');
  const rel = (f: string) => path.relative(root, f);

  // A grep, not a proof: it would miss an alias (`const t = ctx.tenants; t.get(x)`), but it keeps
  // the plain ways of choosing a tenant database out of feature code, where user input lives.
  it('features never open or look up a tenant database themselves; they use request.tenant', () => {
    const forbidden = /\btenants\.get\(|\bopen(Database|Embedded|Postgres)\(|new TenantDatabases\b|embeddedTenantDir\(/;
    const hits = sourceFiles(path.join(root, 'src/features')).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (forbidden.test(line) ? [`${rel(file)}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(hits).toEqual([]);
  });

  // The one way to a rescue named by a control-plane record (a vet's grant, a reference Kona signed):
  // only the vet flow needs it, and only these files, each reading the slug from such a record.
  it('only the vet flow reaches a rescue named by a control-plane record, from the files that read such records', () => {
    const allowed = ['src/features/vets/grants.ts', 'src/features/vets/requests.lists.ts', 'src/features/vets/requests.service.ts', 'src/features/vets/search.audit.ts', 'src/features/vets/search.routes.tsx'];
    const users = sourceFiles(path.join(root, 'src/features')).filter((file) => /\brescueNamedByRecord\(/.test(readFileSync(file, 'utf8'))).map(rel).sort();
    expect(users).toEqual(allowed);
  });

  it('only the tenant resolver sets request.tenant', () => {
    const hits = sourceFiles(path.join(root, 'src')).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (/\brequest\.tenant\s*=[^=]/.test(line) ? [`${rel(file)}:${i + 1}`] : [])),
    );
    expect(hits).toEqual([expect.stringMatching(/^src\/platform\/http\/guards\.ts:\d+$/)]);
  });
});
