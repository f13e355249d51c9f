import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines } from '../../../test/harness/databases.js';
import type { Database } from '../db/driver.js';
import { migrateSet } from '../db/migrate.js';
import type { ControlSchema, TenantSchema } from '../db/schema.js';
import { listAudit, recordAudit, recordControlAudit } from './audit.js';

describe.each(engines)('audit log on %s', (engine) => {
  let tenant: Database<TenantSchema>;
  let control: Database<ControlSchema>;
  beforeAll(async () => {
    tenant = await createTestDatabase<TenantSchema>(engine);
    control = await createTestDatabase<ControlSchema>(engine);
    await migrateSet(tenant, 'tenant');
    await migrateSet(control, 'control');
  });
  afterAll(async () => {
    await tenant.close();
    await control.close();
  });

  it('records who did what to which record, newest first', async () => {
    await recordAudit(tenant.kysely, { actor: { type: 'staff', id: 's1' }, action: 'dog.created', target: { type: 'dog', id: 'd1' } });
    await recordAudit(tenant.kysely, { actor: { type: 'system' }, action: 'job.retried', detail: { job: 7 } });
    const [newest, older] = await listAudit(tenant.kysely, 2);
    expect(newest).toMatchObject({ actor_type: 'system', action: 'job.retried', detail: { job: 7 } });
    expect(older).toMatchObject({ actor_type: 'staff', actor_id: 's1', action: 'dog.created', target_type: 'dog', target_id: 'd1' });
    expect(newest!.at).toBeInstanceOf(Date);
  });

  it('refuses updates and deletes, in tenant and control databases alike', async () => {
    await recordControlAudit(control.kysely, { actor: { type: 'operator', id: 'o1' }, action: 'tenant.disabled', tenant: 'alpha' });
    for (const db of [tenant, control]) {
      await expect(sql`update audit_log set action = 'nothing happened'`.execute(db.kysely)).rejects.toThrow(/append-only/);
      await expect(sql`delete from audit_log`.execute(db.kysely)).rejects.toThrow(/append-only/);
    }
    expect((await listAudit(control.kysely))[0]).toMatchObject({ action: 'tenant.disabled' });
  });
});
