import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createInvitation } from '../../src/features/staff/invitations.service.js';
import { insertAdoptableDog } from '../../src/features/adoptions/apply.testing.js';
import { submitApplication } from '../../src/features/adoptions/apply.service.js';
import { listQuestions } from '../../src/features/adoptions/questions.service.js';
import { contactFormSchema } from '../../src/features/people/people.schema.js';
import { createContact } from '../../src/features/people/people.service.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { engines } from '../harness/databases.js';

describe.each(engines)('PII at rest on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('vault');
  });
  afterAll(() => t.close());

  it('stores no plaintext name or email anywhere in the tenant database', async () => {
    await t.addStaff('vault', 'admin', { email: 'Marguerite.Fostermum@example.org', name: 'Marguerite Fostermum' });
    const handle = (await t.rt.ctx.tenants.get('vault'))!;
    await createInvitation({ db: handle.db.kysely, keyRing: t.rt.ctx.secrets.keyRing }, { email: 'invitee.person@example.org', role: 'viewer' }, { type: 'system' }, 7);
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(handle.db.kysely);
    let dump = '';
    for (const { table_name } of tables.rows) {
      const rows = await sql<{ j: string }>`select row_to_json(t)::text as j from ${sql.table(table_name)} t`.execute(handle.db.kysely);
      dump += rows.rows.map((r) => r.j).join('\n');
    }
    expect(dump).toContain('v1:'); // the ciphertexts are there…
    for (const secret of ['marguerite', 'fostermum', 'invitee.person']) expect(dump.toLowerCase()).not.toContain(secret);
  });

  it('stores no plaintext contact details, applicant answers or decision reasons', async () => {
    const handle = (await t.rt.ctx.tenants.get('vault'))!;
    const db = handle.db.kysely;
    const keyRing = t.rt.ctx.secrets.keyRing;
    await createContact({ db, keyRing }, contactFormSchema.parse({ name: 'Veronica Vetclinic', email: 'veronica.vet@example.org', phone: '0207 946 0999', address: '99 Kennelworth Road', notes: 'Prefers Thursdays', roles: 'vet' }), { type: 'system' });
    const dog = await insertAdoptableDog(db, 'Bella');
    const questions = await listQuestions(db, true);
    const text = questions.find((q) => q.kind === 'text')!;
    const values = Object.fromEntries(questions.map((q) => [`q_${q.id}`, q.kind === 'choice' ? q.choices[0]! : q.kind === 'yes_no' ? 'yes' : 'ordinary answer']));
    values[`q_${text.id}`] = 'Our parrot Zanzibarella screams';
    const applicant = { name: 'Horatio Applicantson', email: 'horatio.app@example.org', phone: '07700 955123', address: '5 Quillfeather Lane' };
    const deps = { database: handle.db, keyRing, jobs: t.rt.ctx.jobs, rescueName: 'Vault' };
    const { applicationId } = await submitApplication(deps, { dog: { id: dog, name: 'Bella' }, questions, values: { ...applicant, ...values }, idempotencyKey: randomUUID(), clientAddress: '203.0.113.77' });
    await db.updateTable('applications').set({ decision_reason_enc: keyRing.encrypt('Needs Xylophonic garden') }).where('id', '=', applicationId).execute();
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(db);
    let dump = '';
    for (const { table_name } of tables.rows) {
      const rows = await sql<{ j: string }>`select row_to_json(t)::text as j from ${sql.table(table_name)} t`.execute(db);
      dump += rows.rows.map((r) => r.j).join('\n');
    }
    expect(dump).toContain('v1:');
    for (const secret of ['veronica', 'vet@example', '946 0999', '9460999', 'kennelworth', 'thursdays', 'horatio', 'applicantson', 'horatio.app', '955123', 'quillfeather', 'zanzibarella', 'xylophonic', '203.0.113.77']) {
      expect(dump.toLowerCase(), secret).not.toContain(secret);
    }
  });
});
