import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { createTestDatabase, engines } from '../../../test/harness/databases.js';
import { loadMigrations, migrate, migrationsDir } from '../../platform/db/migrate.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { documentFile, samplePdf, uploadDocument } from './documents.testing.js';

describe.each(engines)('the same medical document uploaded twice on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let staff: Browser;
  const docsOf = (id: string) => db.selectFrom('medical_documents').selectAll().where('dog_id', '=', id).orderBy('created_at').execute();
  const addedAudits = async (id: string) => (await db.selectFrom('audit_log').select('id').where('action', '=', 'medical.document_added').where('target_id', '=', id).execute()).length;
  async function newDog(name: string): Promise<string> {
    const res = await staff.post('/r/alpha/hub/dogs', { _csrf: await staff.csrf('/r/alpha/hub/dogs'), name, sex: 'female', size: 'small', intake_date: '2024-03-01', intake_type: 'stray' });
    return /\/hub\/dogs\/([0-9a-f-]{36})\?done=/.exec(res.headers.location ?? '')![1]!;
  }

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha');
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff'));
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
  });
  afterAll(() => t.close());

  it('keeps one record per dog and tells the person it was already attached; another dog may hold the same file', async () => {
    const [dog, other] = [await newDog('Twice'), await newDog('Sibling')];
    const invoice = await samplePdf('Vet invoice');
    const first = await uploadDocument(t, staff, 'alpha', dog, documentFile(invoice, 'invoice.pdf'), { title: 'Invoice' });
    expect(first.headers.location).toBe(`/r/alpha/hub/dogs/${dog}/medical?done=document#documents`);
    const again = await uploadDocument(t, staff, 'alpha', dog, documentFile(invoice, 'invoice (1).pdf'), { title: 'Invoice again' });
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe(`/r/alpha/hub/dogs/${dog}/medical?done=document-duplicate#documents`);
    const page = await staff.get(again.headers.location!.replace(/#.*/, ''));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('This document was already attached to this dog; nothing new was stored.');
    expect((await docsOf(dog)).map((d) => d.title)).toEqual(['Invoice']);
    expect(await addedAudits(dog)).toBe(1);

    const shared = await uploadDocument(t, staff, 'alpha', other, documentFile(invoice, 'invoice.pdf'), { title: 'Invoice (shared)' });
    expect(shared.headers.location).toBe(`/r/alpha/hub/dogs/${other}/medical?done=document#documents`);
    expect((await docsOf(other)).map((d) => d.title)).toEqual(['Invoice (shared)']);
  });

  it('a double submit (two uploads at once) stores one record, and both succeed', async () => {
    const dog = await newDog('Double');
    const pdf = await samplePdf('Double submit');
    const replies = await Promise.all([1, 2].map((n) => uploadDocument(t, staff, 'alpha', dog, documentFile(pdf, 'x.pdf'), { title: `Copy ${n}` })));
    expect(replies.map((r) => r.statusCode)).toEqual([303, 303]);
    expect(replies.map((r) => r.headers.location).sort()).toEqual([
      `/r/alpha/hub/dogs/${dog}/medical?done=document#documents`,
      `/r/alpha/hub/dogs/${dog}/medical?done=document-duplicate#documents`,
    ]);
    expect(await docsOf(dog)).toHaveLength(1);
    expect(await addedAudits(dog)).toBe(1);
  });
});

describe.each(engines)('migration 0012 on %s', (engine) => {
  it('removes copies made before it, keeping the oldest of each dog, then refuses new ones', async () => {
    const database = await createTestDatabase<TenantSchema>(engine);
    try {
      const all = loadMigrations(migrationsDir('tenant'));
      const unique = all.findIndex((m) => m.name === 'medical_documents_unique');
      expect(unique).toBeGreaterThan(0);
      await migrate(database, all.slice(0, unique));
      const db = database.kysely;
      const dog = async (name: string) => (await db.insertInto('dogs').values({ name, size: 'small', intake_date: '2024-03-01', intake_type: 'stray' }).returning('id').executeTakeFirstOrThrow()).id;
      const [a, b] = [await dog('A'), await dog('B')];
      const sha = (s: string) => createHash('sha256').update(s).digest('hex');
      const doc = (dogId: string, bytes: string, title: string, minutesAgo: number) => ({
        dog_id: dogId, sha256: sha(bytes), content_type: 'application/pdf' as const, size_bytes: 10, title, created_at: new Date(Date.now() - minutesAgo * 60_000),
      });
      await db.insertInto('medical_documents').values([
        doc(a, 'invoice', 'A copy 2', 5), doc(a, 'invoice', 'A oldest', 30), doc(a, 'invoice', 'A copy 3', 1),
        doc(b, 'invoice', 'B only', 2), doc(a, 'other', 'A other', 3),
      ]).execute();

      await migrate(database, all);
      const left = await db.selectFrom('medical_documents').select(['dog_id', 'title']).orderBy('title').execute();
      expect(left).toEqual([{ dog_id: a, title: 'A oldest' }, { dog_id: a, title: 'A other' }, { dog_id: b, title: 'B only' }]);
      await expect(db.insertInto('medical_documents').values(doc(a, 'invoice', 'A again', 0)).execute()).rejects.toMatchObject({ code: '23505' });
    } finally {
      await database.close();
    }
  });
});
