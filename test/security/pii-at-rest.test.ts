import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInvitation } from '../../src/features/staff/invitations.service.js';
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
});
