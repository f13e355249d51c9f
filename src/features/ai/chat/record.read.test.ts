import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/harness/app.js';
import { engines } from '../../../../test/harness/databases.js';
import type { TenantSchema } from '../../../platform/db/schema.js';
import { addApplication, addAvailableDog } from '../../adoptions/decisions.testing.js';
import { DogPage } from '../../dogs/dogs.public.js';
import { fostersDogPage } from '../../fosters/fosters.panels.public.js';
import { medicalDogPage } from '../../medical/medical.panels.public.js';
import { photosDogPage } from '../../photos/photos.panels.public.js';
import { readDogRecord } from './record.read.js';
import { searchRecord } from './search.js';

// The record is read through the features' public faces, keyed by one dog in one rescue: another
// dog's notes and medical entries, another rescue's, and any applicant's details never appear.
describe.each(engines)('reading one dog\'s record for the chat on %s', (engine) => {
  let t: TestApp;
  let alpha: Kysely<TenantSchema>;
  let beta: Kysely<TenantSchema>;
  const page = new DogPage([fostersDogPage, medicalDogPage, photosDogPage]);
  const ids: Record<string, string> = {};

  async function withEntries(db: Kysely<TenantSchema>, name: string, secret: string) {
    const id = await addAvailableDog(db, name);
    await db.insertInto('dog_notes').values({ dog_id: id, author_id: null, body: `${name} note: ${secret}` }).execute();
    await db.insertInto('vaccinations').values({ dog_id: id, type: 'other', label: `${secret} vaccine`, given_on: '2026-05-03', due_on: '2027-05-03', created_by: null }).execute();
    return id;
  }

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha', 'Alpha Rescue');
    await t.addTenant('beta', 'Beta Rescue');
    alpha = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    beta = (await t.rt.ctx.tenants.get('beta'))!.db.kysely;
    ids.mine = await withEntries(alpha, 'Mango', 'loves-kiwi');
    ids.sibling = await withEntries(alpha, 'Olive', 'hates-lemons');
    ids.other = await withEntries(beta, 'Mango', 'beta-secret');
    await addApplication(alpha, t.rt.ctx.secrets.keyRing, { dogId: ids.mine, name: 'Priya Applicant', email: 'priya@example.org', phone: '555-0100', answers: [['Home?', 'A flat near the park']] });
  });
  afterAll(() => t?.close());

  it('holds this dog\'s profile, notes, medical entries and application counts, and nothing of any other dog or applicant', async () => {
    const record = await readDogRecord(alpha, ids.mine!, page.timeline, '2026-12-07');
    const text = record.passages.map((p) => p.text).join('\n');
    expect(text).toContain('Mango note: loves-kiwi');
    expect(record.passages.find((p) => p.section === 'medical' && p.text.includes('loves-kiwi vaccine'))?.text).toContain('Next due 2027-05-03');
    expect(record.passages.find((p) => p.section === 'applications')?.text).toBe('Applications: 1 new.');
    for (const leak of ['hates-lemons', 'Olive', 'beta-secret', 'Priya', 'priya@example.org', '555-0100', 'flat near the park']) expect(text).not.toContain(leak);
    expect(searchRecord(record, 'what does the note say about lemons')[0]?.passage.text ?? '').not.toContain('lemons');
  });

  it('answers an unknown dog, or one of another rescue, with the dogs feature\'s 404', async () => {
    await expect(readDogRecord(alpha, ids.other!, page.timeline, '2026-12-07')).rejects.toMatchObject({ status: 404, code: 'KONA_ERR_NOT_FOUND' });
    await expect(readDogRecord(alpha, '00000000-0000-4000-8000-00000000dead', page.timeline, '2026-12-07')).rejects.toMatchObject({ status: 404, code: 'KONA_ERR_NOT_FOUND' });
  });
});
