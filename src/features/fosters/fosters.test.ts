import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { isoToday } from '../dogs/dogs.public.js';

const idFrom = (location: string | undefined) => /\/hub\/dogs\/([0-9a-f-]{36})\?done=/.exec(location ?? '')![1]!;
const namesIn = (html: string) => [...html.matchAll(/<th scope="row"><a href="[^"]+">([^<]+)<\/a><\/th>/g)].map((m) => m[1]);
const timelineOf = (html: string) => html.slice(html.indexOf('id="timeline-heading"'));

describe.each(engines)('foster placements and notes on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let staff: Browser;
  let fosterA: { id: string; browser: Browser };
  let fosterB: { id: string; browser: Browser };
  let viewer: Browser;
  const base = '/r/alpha/hub';
  const csrf = (b: Browser) => b.csrf(`${base}/dogs`);
  const add = async (name: string) =>
    idFrom((await staff.post(`${base}/dogs`, { _csrf: await csrf(staff), name, size: 'medium', intake_date: '2024-03-01', intake_type: 'stray' })).headers.location);
  const assign = async (dog: string, foster: string, started_on = isoToday()) => staff.post(`${base}/dogs/${dog}/foster`, { _csrf: await csrf(staff), foster, started_on });
  const end = async (dog: string) => staff.post(`${base}/dogs/${dog}/foster/end`, { _csrf: await csrf(staff), ended_on: isoToday() });
  const note = async (b: Browser, dog: string, body: string, back = 'dog') => b.post(`${base}/dogs/${dog}/notes`, { _csrf: await csrf(b), body, back });
  const dogRow = (id: string) => db.selectFrom('dogs').select(['status', 'foster_id', 'whereabouts']).where('id', '=', id).executeTakeFirstOrThrow();

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha');
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff', { name: 'Sam Staff' }));
    fosterA = await signedInStaff(t, 'alpha', 'foster', { name: 'Fiona Foster' });
    fosterB = await signedInStaff(t, 'alpha', 'foster', { name: 'Bram Foster' });
    ({ browser: viewer } = await signedInStaff(t, 'alpha', 'viewer'));
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
  });
  afterAll(() => t.close());

  it('assigns a foster: the dog is with the foster home, keeps its status, shows who cares for it, and the timeline says so', async () => {
    const dog = await add('Nala');
    expect((await staff.get(`${base}/dogs/${dog}`)).body).toContain('<option value="' + fosterA.id + '">Fiona Foster</option>');
    const res = await assign(dog, fosterA.id);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${base}/dogs/${dog}?done=fostered`);
    expect(await dogRow(dog)).toEqual({ status: 'intake', foster_id: fosterA.id, whereabouts: 'foster' });
    const page = (await staff.get(`${base}/dogs/${dog}`)).body;
    expect(page).toContain('is in foster with <strong>Fiona Foster</strong>');
    expect(page).toContain('Status: Intake');
    expect(page).toContain('<th scope="row">Where</th><td>With a foster home: Fiona Foster</td>');
    expect(page).not.toContain('In foster');
    expect(timelineOf(page)).toContain('<strong>Placed in foster</strong><span> with Fiona Foster</span><span> by Sam Staff</span>');
    const audit = await db.selectFrom('audit_log').select(['detail']).where('action', '=', 'foster.assigned').where('target_id', '=', dog).executeTakeFirstOrThrow();
    expect(audit.detail).toEqual({ foster_id: fosterA.id, started_on: isoToday() });
  });

  it('refuses a second open placement with 409, and a foster who is not an active foster account', async () => {
    const dog = await add('Tiko');
    await assign(dog, fosterA.id);
    const again = await assign(dog, fosterB.id);
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('Tiko is already in a foster home');
    expect(again.body).toContain('End that placement first');
    const rows = await db.selectFrom('foster_assignments').select('foster_id').where('dog_id', '=', dog).execute();
    expect(rows).toEqual([{ foster_id: fosterA.id }]);
    const other = await add('Pip');
    const notFoster = await assign(other, (await t.addStaff('alpha', 'staff')).id);
    expect(notFoster.statusCode).toBe(400);
    expect(notFoster.body).toContain('Choose an active foster home from the list.');
  });

  it('ends a placement: the end day is recorded, the foster cleared and the status left to staff', async () => {
    const dog = await add('Mochi');
    await assign(dog, fosterA.id);
    const res = await end(dog);
    expect(res.headers.location).toBe(`${base}/dogs/${dog}?done=foster_ended`);
    expect(await dogRow(dog)).toEqual({ status: 'intake', foster_id: null, whereabouts: 'rescue' });
    const row = await db.selectFrom('foster_assignments').select('ended_on').where('dog_id', '=', dog).executeTakeFirstOrThrow();
    expect(row.ended_on).not.toBeNull();
    expect(timelineOf((await staff.get(`${base}/dogs/${dog}`)).body)).toContain('Foster placement ended');
    expect((await end(dog)).statusCode).toBe(409);
    expect(await db.selectFrom('audit_log').select('id').where('action', '=', 'foster.ended').where('target_id', '=', dog).execute()).toHaveLength(1);
    // A new placement after the end is allowed.
    expect((await assign(dog, fosterB.id)).statusCode).toBe(303);
  });

  it('lets a foster write notes only for dogs in their care now', async () => {
    const mine = await add('Juno');
    const theirs = await add('Otis');
    await assign(mine, fosterA.id);
    await assign(theirs, fosterB.id);
    const ok = await note(fosterA.browser, mine, 'Ate well, loves the garden.');
    expect(ok.statusCode).toBe(303);
    const page = (await fosterA.browser.get(`${base}/dogs/${mine}`)).body;
    expect(timelineOf(page)).toContain('<strong>Note</strong><span> by Fiona Foster</span><p>Ate well, loves the garden.</p>');
    expect((await fosterA.browser.get(`${base}/dogs/${theirs}`)).body).not.toContain('Add a note about');

    // Another foster's dog is outside this foster's reach altogether (dogs.scope.ts): a 404 that names no dog.
    const refused = await note(fosterA.browser, theirs, 'Not my dog');
    expect(refused.statusCode).toBe(404);
    expect(refused.body).toContain('There is no dog in your care at this address.');
    expect(refused.body).not.toContain('Otis');

    await end(mine);
    expect((await note(fosterA.browser, mine, 'Still here?')).statusCode).toBe(404);
    expect((await note(staff, theirs, 'Staff may note any dog')).statusCode).toBe(303);
    const notes = await db.selectFrom('dog_notes').select('body').where('dog_id', 'in', [mine, theirs]).orderBy('created_at').execute();
    expect(notes.map((n) => n.body)).toEqual(['Ate well, loves the garden.', 'Staff may note any dog']);
    const audit = await db.selectFrom('audit_log').select('detail').where('action', '=', 'note.added').where('target_id', '=', mine).executeTakeFirstOrThrow();
    expect(JSON.stringify(audit.detail)).not.toContain('garden');
  });

  it('refuses notes from a viewer', async () => {
    const dog = await add('Rolo');
    const res = await note(viewer, dog, 'Hello');
    expect(res.statusCode).toBe(403);
    expect(await db.selectFrom('dog_notes').select('id').where('dog_id', '=', dog).execute()).toEqual([]);
    expect((await viewer.get(`${base}/dogs/${dog}`)).body).not.toContain('Add a note about');
  });

  it('shows a note with markup escaped', async () => {
    const dog = await add('Scamp');
    const payload = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    expect((await note(staff, dog, payload)).statusCode).toBe(303);
    const page = (await staff.get(`${base}/dogs/${dog}`)).body;
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&lt;script>alert(&quot;x&quot;)&lt;/script>');
  });

  it('filters the dog list by foster home', async () => {
    const a = await add('Filter Fa');
    const b = await add('Filter Fb');
    await add('Filter None');
    await assign(a, fosterA.id);
    await assign(b, fosterB.id);
    expect(namesIn((await staff.get(`${base}/dogs?q=filter`)).body)).toEqual(['Filter Fa', 'Filter Fb', 'Filter None']);
    expect(namesIn((await staff.get(`${base}/dogs?q=filter&foster=${fosterA.id}`)).body)).toEqual(['Filter Fa']);
    expect(namesIn((await staff.get(`${base}/dogs?q=filter&foster=not-a-uuid`)).body)).toHaveLength(3);
    expect((await staff.get(`${base}/dogs?q=filter`)).body).toContain('<option value="' + fosterB.id + '">Bram Foster</option>');
  });

  it('shows in the dog list where each dog is and who fosters it, and filters by where', async () => {
    const a = await add('Where Fa');
    await add('Where Home');
    await assign(a, fosterA.id);
    const list = (await staff.get(`${base}/dogs?q=where`)).body;
    expect(list).toContain('<th scope="col">Where</th>');
    expect(list).toContain('<td>With a foster home: Fiona Foster</td>');
    expect(list).toContain('<td>At the rescue</td>');
    expect(namesIn((await staff.get(`${base}/dogs?q=where&where=foster`)).body)).toEqual(['Where Fa']);
    expect(namesIn((await staff.get(`${base}/dogs?q=where&where=rescue`)).body)).toEqual(['Where Home']);
    expect(namesIn((await staff.get(`${base}/dogs?q=where&where=elsewhere`)).body)).toEqual(['Where Fa', 'Where Home']);
  });

  it('keeps a fostered dog with its foster whatever the edit form says: only ending the placement moves it', async () => {
    const dog = await add('Stays Put');
    await assign(dog, fosterA.id);
    const form = (await staff.get(`${base}/dogs/${dog}/edit`)).body;
    expect(form).toContain('Stays Put is with a foster home.');
    expect(form).not.toContain('name="whereabouts"');
    const saved = await staff.post(`${base}/dogs/${dog}`, { _csrf: await csrf(staff), name: 'Stays Put', size: 'medium', intake_date: '2024-03-01', intake_type: 'stray', whereabouts: 'boarding', location: 'Somewhere' });
    expect(saved.statusCode).toBe(303);
    expect(await dogRow(dog)).toEqual({ status: 'intake', foster_id: fosterA.id, whereabouts: 'foster' });
    await end(dog);
    expect((await staff.get(`${base}/dogs/${dog}/edit`)).body).toContain('name="whereabouts"');
  });

  it('shows a foster only their own dogs under My dogs, and staff every foster home', async () => {
    const mine = await add('Mine Only');
    const other = await add('Someone Else');
    await assign(mine, fosterA.id);
    await assign(other, fosterB.id);
    const page = (await fosterA.browser.get(`${base}/my-dogs`)).body;
    expect(page).toContain('Mine Only');
    expect(page).not.toContain('Someone Else');
    expect(page).toContain(`action="${base}/dogs/${mine}/notes"`);
    const res = await note(fosterA.browser, mine, 'From my dogs', 'my-dogs');
    expect(res.headers.location).toBe(`${base}/my-dogs?done=note`);
    expect((await viewer.get(`${base}/my-dogs`)).statusCode).toBe(403);
    expect((await fosterA.browser.get(`${base}/fosters`)).statusCode).toBe(403);
    const homes = (await staff.get(`${base}/fosters`)).body;
    expect(homes).toContain('Fiona Foster');
    expect(homes).toContain('Mine Only');
    expect(homes).toContain('Someone Else');
  });
});
