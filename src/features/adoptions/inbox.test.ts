import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { addApplication, addAvailableDog } from './decisions.testing.js';

/** The applicant names of the inbox table, in order. */
const namesIn = (html: string) => [...html.matchAll(/<th scope="row"><a href="[^"]+\/hub\/applications\/[0-9a-f-]{36}">([^<]+)<\/a>/g)].map((m) => m[1]);

describe.each(engines)('the applications inbox on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let staff: Browser;
  let viewer: Browser;
  let dogA: string;
  let dogB: string;
  const base = '/r/alpha/hub/applications';
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha');
    staff = (await signedInStaff(t, 'alpha', 'staff')).browser;
    viewer = (await signedInStaff(t, 'alpha', 'viewer')).browser;
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    const ring = t.rt.ctx.secrets.keyRing;
    dogA = await addAvailableDog(db, 'Biscuit');
    dogB = await addAvailableDog(db, 'Pepper');
    await addApplication(db, ring, { dogId: dogA, name: 'Old Oscar', email: 'oscar@example.org', createdAt: minutesAgo(300) });
    await addApplication(db, ring, { dogId: dogB, name: 'Mid Mia', email: 'mia@example.org', phone: '07700 900123', createdAt: minutesAgo(200) });
    // Same phone as Mia under another name: both are flagged.
    await addApplication(db, ring, { dogId: dogA, name: 'New <Nina>', email: 'nina@example.org', phone: '07700-900-123', createdAt: minutesAgo(100) });
    const denied = await addApplication(db, ring, { dogId: dogA, name: 'Dan Denied', email: 'dan@example.org', createdAt: minutesAgo(50) });
    await db.updateTable('applications').set({ status: 'denied' }).where('id', '=', denied.id).execute();
  });
  afterAll(() => t?.close());

  it('lists open applications newest first with decrypted names, the dog and the date', async () => {
    const res = await staff.get(base);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>Applications</h1>');
    expect(namesIn(res.body)).toEqual(['New &lt;Nina>', 'Mid Mia', 'Old Oscar']);
    expect(res.body).toContain('3 applications match.');
    expect(res.body).toContain(`<a href="/r/alpha/hub/dogs/${dogB}">Pepper</a>`);
    expect(res.body).toMatch(/<time datetime="\d{4}-\d\d-\d\dT[^"]+">\d{1,2} [A-Z][a-z]{2,3} \d{4}, \d\d:\d\d UTC<\/time>/);
    expect(res.body).toContain('href="/r/alpha/hub/applications">Applications</a>');
  });

  it('flags likely duplicates (same phone under another name) and no one else', async () => {
    const body = (await staff.get(base)).body;
    const rows = body.split('<tr').filter((r) => r.includes('/hub/applications/'));
    const flagged = rows.filter((r) => r.includes('Possible duplicate')).map((r) => /">([^<]+)<\/a>/.exec(r)![1]);
    expect(flagged).toEqual(['New &lt;Nina>', 'Mid Mia']);
  });

  it('filters by status and by dog', async () => {
    expect(namesIn((await staff.get(`${base}?status=denied`)).body)).toEqual(['Dan Denied']);
    expect(namesIn((await staff.get(`${base}?status=all`)).body)).toEqual(['Dan Denied', 'New &lt;Nina>', 'Mid Mia', 'Old Oscar']);
    expect(namesIn((await staff.get(`${base}?dog=${dogA}`)).body)).toEqual(['New &lt;Nina>', 'Old Oscar']);
    expect(namesIn((await staff.get(`${base}?status=all&dog=${dogA}`)).body)).toEqual(['Dan Denied', 'New &lt;Nina>', 'Old Oscar']);
    const none = await staff.get(`${base}?status=completed`);
    expect(none.body).toContain('No applications match.');
    // Nonsense in the query falls back to the defaults rather than failing.
    expect(namesIn((await staff.get(`${base}?status=bogus&dog=not-a-uuid&page=-3`)).body)).toHaveLength(3);
  });

  it('shows viewers the inbox; links the detail page with the duplicate named', async () => {
    const res = await viewer.get(base);
    expect(res.statusCode).toBe(200);
    const href = /href="(\/r\/alpha\/hub\/applications\/[0-9a-f-]{36})">Mid Mia/.exec(res.body)![1]!;
    const detail = await viewer.get(href);
    expect(detail.body).toContain('<h1>Application for Pepper</h1>');
    expect(detail.body).toContain('Possible duplicate.');
    expect(detail.body).toMatch(/<a href="\/r\/alpha\/hub\/people\/[0-9a-f-]{36}">New &lt;Nina><\/a> \(same phone\)/);
    // Viewers see contact details only where the rescue allows it (off by default).
    expect(detail.body).not.toContain('mia@example.org');
    expect(detail.body).toContain('hidden from viewers at this rescue');
    expect((await viewer.get(`${base}/00000000-0000-4000-8000-000000000000`)).statusCode).toBe(404);
    expect((await viewer.get(`${base}/not-an-id`)).statusCode).toBe(404);
  });
});
