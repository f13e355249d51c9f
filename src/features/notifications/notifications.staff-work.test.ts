import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, csrfFrom, signedInStaff, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { samplePhoto } from '../../platform/images/sample-images.testing.js';
import { openMail, type SealedMail } from '../../platform/mail/index.js';
import { encryptAnswers } from '../adoptions/adoptions.public.js';
import { assignFoster } from '../fosters/fosters.public.js';
import { upsertApplicantContact } from '../people/people.public.js';
import { multipartBody } from '../photos/photos.testing.js';

type Member = { id: string; browser: Browser };

describe.each(engines)('notifications of signed contracts and photos awaiting approval on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let admin: Member;
  let contact: Member;
  let foster: Member;
  const base = '/r/alpha/hub';
  const noticesOf = (staffId: string, kind: 'contract.signed' | 'photo.pending') =>
    db.selectFrom('notifications').select(['title', 'body', 'link']).where('staff_id', '=', staffId).where('kind', '=', kind).execute();
  const addDog = async (name: string) =>
    (await db.insertInto('dogs').values({ name, size: 'medium', intake_date: '2024-03-01', intake_type: 'stray', staff_contact_id: contact.id }).returning('id').executeTakeFirstOrThrow()).id;
  const upload = async (who: Member, dogId: string, sizes: number[]) => {
    const token = csrfFrom((await who.browser.get(`${base}/dogs/${dogId}`)).body);
    const files = await Promise.all(sizes.map(async (w) => ({ name: 'photos', filename: `dog${w}.jpg`, type: 'image/jpeg', data: await samplePhoto({ width: w, height: 60 }) })));
    const { payload, contentType } = multipartBody([{ name: '_csrf', value: token }, ...files]);
    const cookie = Object.entries(who.browser.cookies()).map(([k, v]) => `${k}=${v}`).join('; ');
    return t.app.inject({ method: 'POST', url: `${base}/dogs/${dogId}/photos`, payload, headers: { 'content-type': contentType, cookie, accept: 'application/json' } });
  };

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha', 'Alpha Rescue');
    admin = await signedInStaff(t, 'alpha', 'admin');
    contact = await signedInStaff(t, 'alpha', 'staff');
    foster = await signedInStaff(t, 'alpha', 'foster');
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
  });
  afterAll(() => t.close());

  it('an adopter signing a contract notifies the dog\'s staff contact, linking the application, with no adopter name or email', async () => {
    const ring = t.rt.ctx.secrets.keyRing;
    const dogId = await addDog('Clementine');
    const adopter = { name: 'Harriet Signwell', email: 'harriet.signwell@example.org', phone: '0123 456 789', address: '1 Kennel Lane, Dogtown' };
    const { contactId } = await upsertApplicantContact(db, ring, adopter);
    const app = await db.insertInto('applications').values({ dog_id: dogId, contact_id: contactId, status: 'approved', answers_enc: encryptAnswers(ring, []), idempotency_key: randomUUID() })
      .returning('id').executeTakeFirstOrThrow();
    const page = `${base}/applications/${app.id}/contract`;
    expect((await admin.browser.submit(page, page, {})).statusCode).toBe(303);
    const mails = (await db.selectFrom('jobs').select('payload').where('name', '=', 'mail.send').execute())
      .map((j) => openMail(j.payload as unknown as SealedMail, ring)).filter((m) => m.to === adopter.email);
    const link = new URL(/https?:\/\/\S+\/contracts\/[A-Za-z0-9_-]{43}/.exec(mails[0]!.text)![0]).pathname;
    expect(await noticesOf(contact.id, 'contract.signed')).toEqual([]);

    const visitor = new Browser(t.app);
    expect((await visitor.submit(link, link, { typed_name: adopter.name, agree: 'yes', signature: '' })).statusCode).toBe(200);
    const notices = await noticesOf(contact.id, 'contract.signed');
    expect(notices).toEqual([{ title: 'Contract signed for Clementine', body: 'The adopter signed the contract for Clementine.', link: `/hub/applications/${app.id}` }]);
    for (const n of notices) for (const pii of ['Harriet', 'Signwell', adopter.email]) expect(`${n.title} ${n.body}`).not.toContain(pii);
    // The dog has a contact, so admins hear nothing.
    expect(await noticesOf(admin.id, 'contract.signed')).toEqual([]);
  });

  it('a foster\'s upload of two photos gives the dog\'s contact one notification; a staff member\'s own approved upload gives none', async () => {
    const dogId = await addDog('Pepper');
    await assignFoster({ db, keyRing: t.rt.ctx.secrets.keyRing }, dogId, { foster: foster.id, started_on: new Date().toISOString().slice(0, 10) }, { type: 'system' });
    const res = await upload(foster, dogId, [80, 96]);
    expect(res.statusCode).toBe(200);
    const statuses = await db.selectFrom('dog_photos').select('status').where('dog_id', '=', dogId).execute();
    expect(statuses.map((s) => s.status)).toEqual(['pending', 'pending']);
    expect(await noticesOf(contact.id, 'photo.pending')).toEqual([{
      title: 'Photo awaiting approval for Pepper', body: 'A foster uploaded photos of Pepper; they appear publicly once approved.', link: `/hub/dogs/${dogId}#photos`,
    }]);
    expect(await noticesOf(admin.id, 'photo.pending')).toEqual([]);
    expect(await noticesOf(foster.id, 'photo.pending')).toEqual([]);

    const before = await db.selectFrom('notifications').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect((await upload(contact, dogId, [112, 128])).statusCode).toBe(200);
    const approved = await db.selectFrom('dog_photos').select('status').where('dog_id', '=', dogId).where('status', '=', 'approved').execute();
    expect(approved).toHaveLength(2);
    expect(await db.selectFrom('notifications').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).toEqual(before);
  });
});
