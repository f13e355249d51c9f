import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { addApplication, addAvailableDog } from '../adoptions/decisions.testing.js';

const hex = (c: string) => c.repeat(64);
/** The "Waiting" card of a dashboard page: its heading and its list (or its "nothing" line). */
const waitingCard = (html: string) => /<li class="waiting">(.*?<\/(?:ul|p)>)<\/li>/s.exec(html)?.[1] ?? '';

describe.each(engines)('the dashboard\'s "Waiting" card on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let admin: Browser;
  let adminId: string;
  let viewer: Browser;
  let foster: Browser;

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha');
    await t.addTenant('beta');
    ({ browser: admin, id: adminId } = await signedInStaff(t, 'alpha', 'admin'));
    viewer = (await signedInStaff(t, 'alpha', 'viewer')).browser;
    foster = (await signedInStaff(t, 'alpha', 'foster')).browser;
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    const ring = t.rt.ctx.secrets.keyRing;
    // One of each thing that waits: a new application, an approved one whose contract is signed,
    // a photo awaiting approval and a foster's note the admin has not read.
    const biscuit = await addAvailableDog(db, 'Biscuit');
    const pepper = await addAvailableDog(db, 'Pepper');
    await addApplication(db, ring, { dogId: biscuit, name: 'Nina New', email: 'nina@example.org' });
    const approved = await addApplication(db, ring, { dogId: pepper, name: 'Sam Signed', email: 'sam@example.org' });
    await db.updateTable('applications').set({ status: 'approved' }).where('id', '=', approved.id).execute();
    await db.insertInto('adoption_contracts').values({
      application_id: approved.id, body_enc: 'x', text_sha256: hex('a'), token_hash: hex('b'), expires_at: new Date(Date.now() + 86_400_000),
      signed_at: new Date(), signature_method: 'typed', pdf_sha256: hex('c'),
    }).execute();
    // A contract prepared but not signed waits for the adopter, not for staff: not counted.
    const unsigned = await addApplication(db, ring, { dogId: pepper, name: 'Una Unsigned', email: 'una@example.org' });
    await db.updateTable('applications').set({ status: 'approved' }).where('id', '=', unsigned.id).execute();
    await db.insertInto('adoption_contracts').values({ application_id: unsigned.id, body_enc: 'x', text_sha256: hex('a'), token_hash: hex('d'), expires_at: new Date(Date.now() + 86_400_000) }).execute();
    await db.insertInto('dog_photos').values({ dog_id: pepper, sha256: hex('e'), variants: JSON.stringify({}), width: 10, height: 10 }).execute();
    await db.insertInto('dog_photos').values({ dog_id: pepper, sha256: hex('f'), variants: JSON.stringify({}), width: 10, height: 10, status: 'approved' }).execute();
    await db.insertInto('notifications').values({ staff_id: adminId, kind: 'foster.note', title: 'New foster note on Pepper', link: `/hub/dogs/${pepper}` }).execute();
    await db.insertInto('notifications').values({ staff_id: adminId, kind: 'foster.note', title: 'Read already', read_at: new Date() }).execute();
  });
  afterAll(() => t?.close());

  it('shows an admin each waiting thing with its count and link', async () => {
    const res = await admin.get('/r/alpha/hub');
    expect(res.statusCode).toBe(200);
    const card = waitingCard(res.body);
    expect(card).toContain('<h2>Waiting</h2>');
    expect(card).toContain('<a href="/r/alpha/hub/applications?status=new">1 new application to review</a>');
    expect(card).toContain('<a href="/r/alpha/hub/contracts/signed">1 contract signed: adoption to complete</a>');
    expect(card).toContain('<a href="/r/alpha/hub/photos/pending">1 photo awaiting approval</a>');
    expect(card).toContain('<a href="/r/alpha/hub/notifications">1 unread foster note</a>');
    expect(card).not.toContain('Nothing is waiting');
    // The medical card keeps its counts and its link.
    expect(res.body).toContain('<h3>Overdue (0)</h3>');
    expect(res.body).toContain('<a href="/r/alpha/hub/medical/due">Open the due list</a>');
  });

  it('links to pages that list what the count says', async () => {
    const inbox = await admin.get('/r/alpha/hub/applications?status=new');
    expect(inbox.body).toContain('1 application matches.');
    expect(inbox.body).toContain('Nina New');
    const signed = await admin.get('/r/alpha/hub/contracts/signed');
    expect(signed.statusCode).toBe(200);
    expect(signed.body).toContain('1 adopter has signed the contract.');
    expect(signed.body).toMatch(/<th scope="row"><a href="\/r\/alpha\/hub\/applications\/[0-9a-f-]{36}">Pepper<\/a><\/th>/);
    expect((await viewer.get('/r/alpha/hub/contracts/signed')).statusCode).toBe(200);
    const photos = await admin.get('/r/alpha/hub/photos/pending');
    expect(photos.statusCode).toBe(200);
    expect(photos.body).toContain('<h1>Photos awaiting approval</h1>');
    expect(photos.body).toMatch(/<th scope="row"><a href="\/r\/alpha\/hub\/dogs\/[0-9a-f-]{36}#photos">Pepper<\/a><\/th><td>1<\/td>/);
  });

  it('shows a viewer only the applications items and a foster nothing waiting', async () => {
    const seen = waitingCard((await viewer.get('/r/alpha/hub')).body);
    expect(seen).toContain('1 new application to review');
    expect(seen).toContain('1 contract signed');
    expect(seen).not.toContain('photo');
    expect(seen).not.toContain('foster note');
    expect(waitingCard((await foster.get('/r/alpha/hub')).body)).toContain('<p>Nothing is waiting for you.</p>');
    expect((await viewer.get('/r/alpha/hub/photos/pending')).statusCode).toBe(403);
    expect((await foster.get('/r/alpha/hub/photos/pending')).statusCode).toBe(403);
    expect((await foster.get('/r/alpha/hub/contracts/signed')).statusCode).toBe(403);
  });

  it('says nothing is waiting when every count is zero, and the photos page says none wait', async () => {
    const other = (await signedInStaff(t, 'beta', 'admin')).browser;
    const res = await other.get('/r/beta/hub');
    expect(waitingCard(res.body)).toContain('<p>Nothing is waiting for you.</p>');
    expect(res.body).not.toContain('?status=new"');
    expect((await other.get('/r/beta/hub/photos/pending')).body).toContain('No photo is waiting for approval.');
    expect((await other.get('/r/beta/hub/contracts/signed')).body).toContain('No signed contract is waiting');
  });
});
