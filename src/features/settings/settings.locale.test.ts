import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobRunner } from '../../apps/web.js';
import { createTestApp, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { ManualClock } from '../../platform/clock/clock.testing.js';
import type { Database } from '../../platform/db/driver.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { createLogger } from '../../platform/logging/logger.js';
import { settingsForm } from './settings.testing.js';

const dog = (name: string) => ({ name, size: 'medium' as const, intake_date: '2029-01-01', intake_type: 'stray' as const, status: 'intake' as const });

describe.each(engines)('a rescue\'s own time zone, currency, locale and mail sender on %s', (engine) => {
  let t: TestApp;
  let admin: Browser;
  let database: Database<TenantSchema>;
  // Sessions are judged by this clock: sign in now, then move the clock and the session together.
  const clock = new ManualClock(Date.now());
  const moment = Date.parse('2030-03-01T11:30:00Z');
  beforeAll(async () => {
    t = await createTestApp(engine, {}, { clock });
    await t.addTenant('alpha', 'Alpha Rescue');
    database = (await t.rt.ctx.tenants.get('alpha'))!.db;
    ({ browser: admin } = await signedInStaff(t, 'alpha', 'admin'));
    const res = await admin.submit('/r/alpha/hub/settings', '/r/alpha/hub/settings', settingsForm({
      name: 'Kiwi Paws', contact_email: 'adopt@kiwipaws.example', time_zone: 'Pacific/Auckland', currency: 'EUR', locale: 'de-DE', fee_medium: '95',
    }));
    expect(res.statusCode).toBe(303);
    clock.set(moment);
    await database.kysely.updateTable('sessions').set({ created_at: new Date(moment), last_seen_at: new Date(moment) }).execute();
  });
  afterAll(() => t.close());

  it('at 11:30 UTC on 1 March 2030 an Auckland rescue sees 2 March items as due today and 1 March items as overdue', async () => {
    const db = database.kysely;
    const [ada] = await db.insertInto('dogs').values([dog('Ada')]).returning('id').execute();
    await db.insertInto('treatments').values([
      { dog_id: ada!.id, kind: 'treatment', name: 'Wormer', starts_on: '2030-01-01', next_due_on: '2030-03-02' },
      { dog_id: ada!.id, kind: 'medication', name: 'Apoquel', starts_on: '2030-01-01', next_due_on: '2030-03-01' },
    ]).execute();
    const page = await admin.get('/r/alpha/hub/medical/due');
    expect(page.body).toContain('<time datetime="2030-03-02">');
    expect(page.body).toContain('(Pacific/Auckland)');
    expect(page.body).toMatch(/Wormer<strong> \(due today\)<\/strong>/);
    const overdue = page.body.slice(page.body.indexOf('id="overdue-heading"'), page.body.indexOf('id="upcoming-heading"'));
    expect(overdue).toContain('Apoquel');
    expect(overdue).not.toContain('Wormer');
    expect((await admin.get('/r/alpha/hub')).body).toMatch(/Wormer<strong> \(due today\)<\/strong>/);
    // Instants (the audit log's) are shown in the rescue's zone, named.
    expect((await admin.get('/r/alpha/hub/audit')).body).toMatch(/<time datetime="[^"]+Z">[^<]+GMT\+1[23]<\/time>/);

  });

  it('shows money in the rescue currency and locale, and a new dog\'s empty fee takes its size\'s default', async () => {
    const form = await admin.get('/r/alpha/hub/dogs/new');
    expect(form.body).toContain('medium 95,00\u00a0€');
    const csrf = await admin.csrf('/r/alpha/hub/dogs/new');
    const base = { _csrf: csrf, sex: 'female', intake_date: '2025-02-01', intake_type: 'stray' };
    const defaulted = await admin.post('/r/alpha/hub/dogs', { ...base, name: 'Bea', size: 'medium', adoption_fee: '' });
    expect(defaulted.statusCode).toBe(303);
    const typed = await admin.post('/r/alpha/hub/dogs', { ...base, name: 'Cal', size: 'medium', adoption_fee: '1234' });
    const none = await admin.post('/r/alpha/hub/dogs', { ...base, name: 'Dot', size: 'small', adoption_fee: '' });
    const fees = Object.fromEntries((await database.kysely.selectFrom('dogs').select(['name', 'adoption_fee_cents']).execute()).map((d) => [d.name, d.adoption_fee_cents]));
    expect(fees).toMatchObject({ Bea: 9500, Cal: 123400, Dot: null });
    expect(none.statusCode).toBe(303);
    const detail = await admin.get(typed.headers.location!.replace(/\?.*$/, ''));
    expect(detail.body).toContain('1.234,00\u00a0€');
  });

  it('sends the rescue\'s mail as "<name> via Kona" with Reply-To its contact email', async () => {
    const res = await admin.submit('/r/alpha/hub/staff', '/r/alpha/hub/staff/invite', { email: 'new.volunteer@example.org', role: 'staff' });
    expect(res.statusCode).toBeLessThan(400);
    await (await createJobRunner(t.rt, createLogger('silent'))).runOnce();
    const folder = path.join(t.dataDir, 'outbox', 'alpha');
    const emls = readdirSync(folder).map((f) => readFileSync(path.join(folder, f), 'utf8'));
    const invitation = emls.find((e) => e.includes('new.volunteer@example.org'));
    expect(invitation).toBeDefined();
    expect(invitation).toMatch(/^From: Kiwi Paws via Kona <[^>]+>\r$/m);
    expect(invitation).toMatch(/^Reply-To: adopt@kiwipaws\.example\r$/m);
  });
});
