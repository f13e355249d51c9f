import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, signedInStaff, createTestApp, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { TenantSchema } from '../../platform/db/schema.js';

/** A valid dog form, with overrides. */
const dogForm = (o: Record<string, string> = {}) => ({ name: 'Biscuit', sex: 'female', size: 'medium', intake_date: '2024-03-01', intake_type: 'stray', ...o });
const idFrom = (location: string | undefined) => /\/hub\/dogs\/([0-9a-f-]{36})\?done=/.exec(location ?? '')![1]!;

describe.each(engines)('dog records on %s', (engine) => {
  let t: TestApp;
  let staff: Browser;
  let csrf: string;
  let db: Kysely<TenantSchema>;
  const add = (o: Record<string, string> = {}) => staff.post('/r/alpha/hub/dogs', { _csrf: csrf, ...dogForm(o) });
  const audits = (id: string) => db.selectFrom('audit_log').selectAll().where('target_id', '=', id).orderBy('id').execute();

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha');
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff', { name: 'Sam Staff' }));
    csrf = await staff.csrf('/r/alpha/hub/dogs');
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
  });
  afterAll(() => t.close());

  it('creates a dog from the form and shows its record, intake and what it lacks to be adoptable', async () => {
    const form = await staff.get('/r/alpha/hub/dogs/new');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('<label for="f-microchip">Microchip number</label>');
    const res = await add({ age_years: '2', age_months: '6', breeds: 'Labrador, Collie', adoption_fee: '150', microchip: '985 112 003 456 789' });
    expect(res.statusCode).toBe(303);
    const id = idFrom(res.headers.location);
    const page = await staff.get(res.headers.location!);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Biscuit</h1>');
    expect(page.body).toContain('The dog was added');
    expect(page.body).toContain('2 years, 6 months (estimated)');
    expect(page.body).toContain('Labrador, Collie');
    expect(page.body).toContain('150.00');
    expect(page.body).toContain('Taken in (Intake)</strong><span> by Sam Staff</span>');
    expect(page.body).toContain('needs an approved photo');
    expect(page.body).toContain('needs a public description');

    const row = await db.selectFrom('dogs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'intake', birth_date_estimated: true, adoption_fee_cents: 15000, microchip: '985112003456789', breeds: ['Labrador', 'Collie'] });
    const history = await db.selectFrom('dog_status_history').selectAll().where('dog_id', '=', id).execute();
    expect(history).toMatchObject([{ from_status: null, to_status: 'intake' }]);
    expect((await audits(id)).map((a) => [a.action, a.detail])).toEqual([['dog.created', { status: 'intake' }]]);
  });

  it('re-shows a rejected form with 400, what was typed and each field\'s error', async () => {
    const before = await db.selectFrom('dogs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const res = await add({ name: 'Pepper', microchip: '12345678', adoption_fee: '12,50', size: '', colour: 'brindle, white socks' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('must be 9 to 15 digits');
    expect(res.body).toContain('must be an amount like 150 or 150.00');
    expect(res.body).toContain('choose a size');
    expect(res.body).toContain('value="12345678"');
    expect(res.body).toContain('value="Pepper"');
    expect(res.body).toContain('value="brindle, white socks"');
    expect(res.body).toContain('aria-invalid="true"');
    const after = await db.selectFrom('dogs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('refuses a microchip already on another dog with 409 and a message, keeping the typed values', async () => {
    expect((await add({ name: 'Chip One', microchip: '111222333444' })).statusCode).toBe(303);
    const res = await add({ name: 'Chip Two', microchip: '111 222 333 444', colour: 'tan' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain("That microchip number is already on Chip One's record");
    expect(res.body).toContain('is already on another dog at this rescue');
    expect(res.body).toContain('value="Chip Two"');
    expect(res.body).toContain('value="tan"');

    const other = idFrom((await add({ name: 'Chip Three' })).headers.location);
    const edit = await staff.post(`/r/alpha/hub/dogs/${other}`, { _csrf: csrf, ...dogForm({ name: 'Chip Three', microchip: '111222333444' }) });
    expect(edit.statusCode).toBe(409);
    expect(edit.body).toContain('<h1>Edit Chip Three</h1>');
  });

  it('edits a dog, auditing the changed field names only, and keeps an unchanged estimated age', async () => {
    const id = idFrom((await add({ name: 'Maple', age_years: '3', adoption_fee: '150.00' })).headers.location);
    const before = await db.selectFrom('dogs').select('birth_date').where('id', '=', id).executeTakeFirstOrThrow();
    const form = await staff.get(`/r/alpha/hub/dogs/${id}/edit`);
    expect(form.body).toContain('<h1>Edit Maple</h1>');
    expect(form.body).toContain('value="150.00"');
    expect(form.body).toMatch(/id="f-age_years" name="age_years" type="number" value="3"/);

    const same = await staff.post(`/r/alpha/hub/dogs/${id}`, { _csrf: csrf, ...dogForm({ name: 'Maple', age_years: '3', age_months: '0', adoption_fee: '150' }) });
    expect(same.headers.location).toBe(`/r/alpha/hub/dogs/${id}?done=unchanged`);

    const res = await staff.post(`/r/alpha/hub/dogs/${id}`, { _csrf: csrf, ...dogForm({ name: 'Maple Syrup', age_years: '3', adoption_fee: '99.5', public_description: 'Secret note' }) });
    expect(res.headers.location).toBe(`/r/alpha/hub/dogs/${id}?done=saved`);
    const page = await staff.get(res.headers.location!);
    expect(page.body).toContain('<h1>Maple Syrup</h1>');
    expect(page.body).toContain('99.50');
    const after = await db.selectFrom('dogs').select('birth_date').where('id', '=', id).executeTakeFirstOrThrow();
    expect(after.birth_date).toEqual(before.birth_date);
    const updated = (await audits(id)).filter((a) => a.action === 'dog.updated');
    expect(updated).toHaveLength(1);
    expect((updated[0]!.detail.fields as string[]).sort()).toEqual(['adoption_fee_cents', 'name', 'public_description']);
    expect(JSON.stringify(updated)).not.toContain('Secret');
  });

  it('records where a dog is apart from its status: boarding or at the vet, with the detail, and refuses a foster home from the form', async () => {
    const id = idFrom((await add({ name: 'Rover', whereabouts: 'vet', location: 'Town Vet Clinic' })).headers.location);
    const page = (await staff.get(`/r/alpha/hub/dogs/${id}`)).body;
    expect(page).toContain('<th scope="row">Where</th><td>At the vet: Town Vet Clinic</td>');
    expect(page).toContain('Status: Intake');
    const form = (await staff.get(`/r/alpha/hub/dogs/${id}/edit`)).body;
    expect(form).toContain('<option value="boarding">Boarding</option>');
    expect(form).not.toContain('<option value="foster"');
    const moved = await staff.post(`/r/alpha/hub/dogs/${id}`, { _csrf: csrf, ...dogForm({ name: 'Rover', whereabouts: 'boarding', location: 'Happy Paws' }) });
    expect(moved.headers.location).toBe(`/r/alpha/hub/dogs/${id}?done=saved`);
    expect(await db.selectFrom('dogs').select(['whereabouts', 'location', 'status']).where('id', '=', id).executeTakeFirstOrThrow()).toEqual({ whereabouts: 'boarding', location: 'Happy Paws', status: 'intake' });
    const updated = (await audits(id)).filter((a) => a.action === 'dog.updated');
    expect((updated[0]!.detail.fields as string[]).sort()).toEqual(['location', 'whereabouts']);
    const list = (await staff.get('/r/alpha/hub/dogs?q=rover&where=boarding')).body;
    expect(list).toContain('<td>Boarding: Happy Paws</td>');
    const foster = await staff.post(`/r/alpha/hub/dogs/${id}`, { _csrf: csrf, ...dogForm({ name: 'Rover', whereabouts: 'foster' }) });
    expect(foster.statusCode).toBe(400);
    expect(foster.body).toContain('must be at the rescue, boarding or at the vet');
    expect((await db.selectFrom('dogs').select('whereabouts').where('id', '=', id).executeTakeFirstOrThrow()).whereabouts).toBe('boarding');
  });

  it('re-shows a rejected edit with 400 and keeps what was typed', async () => {
    const id = idFrom((await add({ name: 'Juniper' })).headers.location);
    const res = await staff.post(`/r/alpha/hub/dogs/${id}`, { _csrf: csrf, ...dogForm({ name: '', birth_date: '2019-04-01', age_years: '2', source: 'Shelter B' }) });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<h1>Edit Juniper</h1>');
    expect(res.body).toContain('is required');
    expect(res.body).toContain('value="Shelter B"');
  });

  it('answers a malformed or unknown dog id with a clear 404', async () => {
    for (const url of ['/r/alpha/hub/dogs/not-a-uuid', '/r/alpha/hub/dogs/00000000-0000-4000-8000-000000000000', '/r/alpha/hub/dogs/42/edit']) {
      const res = await staff.get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body).toContain('That dog does not exist');
    }
    const post = await staff.post('/r/alpha/hub/dogs/00000000-0000-4000-8000-000000000000', { _csrf: csrf, ...dogForm() });
    expect(post.statusCode).toBe(404);
  });

  it('renders an XSS payload in a dog\'s name as text on the list and detail pages', async () => {
    const payload = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const id = idFrom((await add({ name: payload, public_description: payload })).headers.location);
    for (const url of ['/r/alpha/hub/dogs?status=all', `/r/alpha/hub/dogs/${id}`, `/r/alpha/hub/dogs/${id}/edit`]) {
      const res = await staff.get(url);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('&lt;script>alert(1)&lt;/script>&lt;img src=x onerror=alert(2)>');
      expect(res.body).not.toContain('<script>');
      expect(res.body).not.toContain('<img');
    }
  });

  it('shows Dogs in the hub navigation and the dashboard counts', async () => {
    const home = await staff.get('/r/alpha/hub');
    expect(home.body).toContain('<a href="/r/alpha/hub/dogs">Dogs</a>');
    expect(home.body).toMatch(/<a href="\/r\/alpha\/hub\/dogs">\d+ dogs in care<\/a>/);
    expect(home.body).toContain('<a href="/r/alpha/hub/dogs/new">Add a dog</a>');
  });

  // A foster's reach (only the dogs in their care) is dogs.scope.test.ts's.
  it.each(['viewer'] as const)('lets a %s read dogs but refuses every change with 403', async (role) => {
    const id = idFrom((await add({ name: `Seen by ${role}` })).headers.location);
    const { browser } = await signedInStaff(t, 'alpha', role);
    const list = await browser.get('/r/alpha/hub/dogs');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`Seen by ${role}`);
    expect(list.body).not.toContain('Add a dog');
    const detail = await browser.get(`/r/alpha/hub/dogs/${id}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).not.toContain('Change status');
    expect(detail.body).not.toContain('/edit"');
    expect((await browser.get('/r/alpha/hub/dogs/new')).statusCode).toBe(403);
    expect((await browser.get(`/r/alpha/hub/dogs/${id}/edit`)).statusCode).toBe(403);
    const token = await browser.csrf('/r/alpha/hub/dogs');
    const posts: [string, Record<string, string>][] = [
      ['/r/alpha/hub/dogs', dogForm()],
      [`/r/alpha/hub/dogs/${id}`, dogForm({ name: 'Renamed' })],
      [`/r/alpha/hub/dogs/${id}/status`, { to: 'available' }],
      [`/r/alpha/hub/dogs/${id}/weights`, { kg: '10', weighed_on: '2024-01-01' }],
      [`/r/alpha/hub/dogs/${id}/bond`, { partner: id }],
      [`/r/alpha/hub/dogs/${id}/unbond`, {}],
    ];
    for (const [url, form] of posts) {
      const res = await browser.post(url, { _csrf: token, ...form });
      expect(res.statusCode, url).toBe(403);
      expect(res.body).toContain('does not allow this');
    }
    const row = await db.selectFrom('dogs').select(['name', 'status']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ name: `Seen by ${role}`, status: 'intake' });
  });
});
