import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { backupContext } from '../../apps/backup-context.js';
import { setTenantStatus } from '../../platform/tenancy/tenants.service.js';
import { runDumpLayer } from './dump-layer.js';

describe.each(engines)('the dump layer and a disabled rescue on %s', (engine) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha');
    await t.addTenant('sleepy');
    await t.addStaff('sleepy', 'admin', { email: 'keeper@sleepy.example' });
    const ctx = t.rt.ctx;
    await setTenantStatus({ control: ctx.control.kysely, dataDir: ctx.config.dataDir, embeddedAllowed: ctx.config.embeddedControlPlane, tenants: ctx.tenants }, 'sleepy', 'disabled', { type: 'system' });
  });
  afterAll(async () => t?.close());

  it('dumps a disabled (suspended) rescue too, with its rows, and leaves it closed to requests', async () => {
    const outcomes = await runDumpLayer(backupContext(t.rt.ctx));
    expect(outcomes.map((o) => [o.kind, o.tenantSlug, o.status])).toEqual([
      ['tenant', 'alpha', 'ok'], ['tenant', 'sleepy', 'ok'], ['control', null, 'ok'], ['uploads', null, 'ok'],
    ]);
    const sleepy = outcomes.find((o) => o.tenantSlug === 'sleepy')!;
    expect(path.basename(path.dirname(sleepy.location!))).toBe('sleepy');
    const manifest = JSON.parse(readFileSync(path.join(sleepy.location!, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ kind: 'tenant', tenant: 'sleepy', engine });
    expect(manifest.tables['public.staff'].rows).toBe(1);
    expect(await t.rt.ctx.tenants.get('sleepy')).toBeUndefined();
    // `--tenant` reaches a disabled rescue as well; an unknown one is refused by name.
    const one = await runDumpLayer(backupContext(t.rt.ctx, { tenantSlug: 'sleepy', now: () => new Date(Date.now() + 60_000) }));
    expect(one.map((o) => [o.kind, o.tenantSlug, o.status])).toEqual([['tenant', 'sleepy', 'ok'], ['uploads', 'sleepy', 'ok']]);
    await expect(runDumpLayer(backupContext(t.rt.ctx, { tenantSlug: 'nobody' }))).rejects.toThrow('No rescue is called nobody');
  });
});
