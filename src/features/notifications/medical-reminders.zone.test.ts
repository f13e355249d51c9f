import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { ManualClock } from '../../platform/clock/clock.testing.js';
import { sendMedicalReminders } from './medical-reminders.js';

describe.each(engines)('the daily medical reminders in the rescue\'s time zone on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha', 'Kiwi Paws');
    await t.addStaff('alpha', 'admin');
  });
  afterAll(() => t.close());

  it('at 11:30 UTC on 1 March 2030 an Auckland rescue\'s job counts 2 March as today', async () => {
    const database = (await t.rt.ctx.tenants.get('alpha'))!.db;
    const db = database.kysely;
    await db.updateTable('rescue_settings').set({ time_zone: 'Pacific/Auckland' }).execute();
    const [ada] = await db.insertInto('dogs').values([{ name: 'Ada', size: 'medium', intake_date: '2029-01-01', intake_type: 'stray', status: 'intake' }]).returning('id').execute();
    await db.insertInto('treatments').values([
      { dog_id: ada!.id, kind: 'treatment', name: 'Wormer', starts_on: '2030-01-01', next_due_on: '2030-03-02' },
      { dog_id: ada!.id, kind: 'medication', name: 'Apoquel', starts_on: '2030-01-01', next_due_on: '2030-03-01' },
    ]).execute();
    const clock = new ManualClock(Date.parse('2030-03-01T11:30:00Z'));
    const run = await sendMedicalReminders({ db: database, jobs: t.rt.jobs, keyRing: t.rt.ctx.secrets.keyRing, now: () => clock.now() });
    expect(run.due).toBe(2);
    const titles = (await db.selectFrom('notifications').select('title').execute()).map((n) => n.title).sort();
    // In UTC it is still 1 March, and Apoquel would be due today rather than overdue.
    expect(titles).toEqual(['Apoquel for Ada is overdue (it was due on 2030-03-01)', 'Wormer for Ada is due on 2030-03-02']);
  });
});
