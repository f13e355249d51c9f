import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { addApplication, addAvailableDog } from '../adoptions/decisions.testing.js';

// The chat's simpler path through the hub: a plain form post, the answer as a page, kept per member
// and encrypted; the record of this dog only, as much of it as the member may read.
describe.each(engines)('asking about a dog\'s record on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let staff: Browser;
  let other: Browser;
  let foster: Browser;
  let fosterId: string;
  let dogId: string;
  let otherDog: string;
  const ask = async (b: Browser, id: string, question: string) => b.post(`/r/alpha/hub/dogs/${id}/ask`, { _csrf: await b.csrf(`/r/alpha/hub/dogs/${id}/ask`), question });

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha', 'Alpha Rescue');
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff'));
    ({ browser: other } = await signedInStaff(t, 'alpha', 'staff', { email: 'other@example.org' }));
    let f;
    ({ browser: foster, ...f } = await signedInStaff(t, 'alpha', 'foster'));
    fosterId = f.id;
    dogId = await addAvailableDog(db, 'Biscuit');
    otherDog = await addAvailableDog(db, 'Olive');
    await db.updateTable('dogs').set({ good_with_cats: 'no', special_needs: 'Needs a low-fat diet' }).where('id', '=', dogId).execute();
    await db.insertInto('vaccinations').values({ dog_id: dogId, type: 'rabies', given_on: '2026-05-03', due_on: '2027-05-03', created_by: null }).execute();
    await db.insertInto('dog_notes').values({ dog_id: otherDog, author_id: null, body: 'Olive hates cats intensely' }).execute();
    await addApplication(db, t.rt.ctx.secrets.keyRing, { dogId, name: 'Priya Applicant', email: 'priya@example.org' });
  });
  afterAll(() => t?.close());

  it('links to the chat from the dog\'s page', async () => {
    expect((await staff.get(`/r/alpha/hub/dogs/${dogId}`)).body).toContain(`href="/r/alpha/hub/dogs/${dogId}/ask"`);
  });

  it('answers from this dog\'s record with the passages and says which path answered', async () => {
    const res = await ask(staff, dogId, 'Is Biscuit OK with cats?');
    expect(res.statusCode).toBe(303);
    const page = (await staff.get(`/r/alpha/hub/dogs/${dogId}/ask`)).body;
    expect(page).toContain('Is Biscuit OK with cats?');
    expect(page).toContain('Good with cats: no.');
    expect(page).toContain('Answered by searching the record (no AI model)');
    expect(page).not.toContain('hates cats');
    await ask(staff, dogId, 'When is the rabies booster due?');
    expect((await staff.get(`/r/alpha/hub/dogs/${dogId}/ask`)).body).toContain('Next due 2027-05-03');
  });

  it('says "not in the record" when nothing matches', async () => {
    await ask(staff, dogId, 'What is her favourite frisbee brand?');
    expect((await staff.get(`/r/alpha/hub/dogs/${dogId}/ask`)).body).toContain('That is not in the record.');
  });

  it('keeps each member\'s conversation to them, encrypted, and forgets it on request', async () => {
    expect((await other.get(`/r/alpha/hub/dogs/${dogId}/ask`)).body).not.toContain('favourite frisbee');
    const stored = await db.selectFrom('ai_chat_messages').select(['content_enc']).execute();
    expect(stored.length).toBeGreaterThanOrEqual(6);
    for (const r of stored) expect(r.content_enc).not.toMatch(/frisbee|cats|Biscuit/);
    const forgot = await staff.post(`/r/alpha/hub/dogs/${dogId}/ask/forget`, { _csrf: await staff.csrf(`/r/alpha/hub/dogs/${dogId}/ask`) });
    expect(forgot.statusCode).toBe(200);
    expect(forgot.body).toContain('Your questions about this dog were forgotten.');
    expect(forgot.body).not.toContain('favourite frisbee');
  });

  it('refuses an empty or hostile question with a clear error, keeping what was typed', async () => {
    const empty = await ask(staff, dogId, ' ');
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Type a question about this dog.');
    const long = await ask(staff, dogId, 'why '.repeat(200));
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('at most 500 characters');
    expect(long.body).toContain('why why why');
    expect((await ask(staff, dogId, 'cats?\u0000')).statusCode).toBe(400);
  });

  it('keeps a foster to the dogs in their care, and out of the applications section', async () => {
    expect([403, 404]).toContain((await foster.get(`/r/alpha/hub/dogs/${dogId}/ask`)).statusCode);
    await db.insertInto('foster_assignments').values({ dog_id: dogId, foster_id: fosterId, started_on: '2026-06-01', assigned_by: null }).execute();
    await db.updateTable('dogs').set({ whereabouts: 'foster', foster_id: fosterId }).where('id', '=', dogId).execute();
    expect((await ask(foster, dogId, 'How many applications are there?')).statusCode).toBe(303);
    const page = (await foster.get(`/r/alpha/hub/dogs/${dogId}/ask`)).body;
    expect(page).not.toContain('Applications:');
    await ask(staff, dogId, 'How many applications are there?');
    expect((await staff.get(`/r/alpha/hub/dogs/${dogId}/ask`)).body).toContain('Applications: 1 new.');
  });

  it('answers an unknown dog with 404', async () => {
    expect((await staff.get('/r/alpha/hub/dogs/00000000-0000-4000-8000-000000000000/ask')).statusCode).toBe(404);
    const res = await staff.post('/r/alpha/hub/dogs/00000000-0000-4000-8000-000000000000/ask', { _csrf: await staff.csrf(`/r/alpha/hub/dogs/${dogId}/ask`), question: 'cats?' });
    expect(res.statusCode).toBe(404);
  });
});
